package dev.memberlist.engine.gotests;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Go's memberlist_test.go setup on real sockets: every node binds its own loopback address
 * ({@code 127.0.<network>.<n>}, Linux routes all of 127/8 to lo) and is named after it; the
 * first node takes a free port and later ones bind the same port on their own address, so a
 * seed can be given as {@code name/ip} without a port, as in Go.
 */
final class Loopback implements AutoCloseable {
    private static int next = 10 + ThreadLocalRandom.current().nextInt(200);

    private final List<Memberlist> nodes = new ArrayList<>();

    /** Go's getBindAddrNet: the next address of {@code 127.0.<network>.0/24}. */
    static synchronized String bindAddr(int network) {
        int n = next++;
        if (next > 250) {
            next = 10;
        }
        return "127.0." + network + "." + n;
    }

    /** Go's testConfigNet: named after its address, a free port, node names required. */
    static Config testConfig(int network) {
        String addr = bindAddr(network);
        return Config.lan().setBindAddr(addr).setName(addr).setBindPort(0).setRequireNodeNames(true);
    }

    /** Go's testConfig. */
    static Config testConfig() {
        return testConfig(0);
    }

    /** Go's Create; the node is shut down at the end of the test. */
    Memberlist create(Config c) {
        try {
            Memberlist m = Memberlist.create(c);
            nodes.add(m);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port a node bound (Go's {@code m.config.BindPort} after Create). */
    static int bindPort(Memberlist m) {
        return m.advertiseAddress().getPort();
    }

    /** The address a node bound. */
    static String bindAddr(Memberlist m) {
        return m.advertiseAddress().getAddress().getHostAddress();
    }

    /** Go's {@code m.config.Name + "/" + m.config.BindAddr}: a seed without a port. */
    static String seed(Memberlist m) {
        return m.name() + "/" + bindAddr(m);
    }

    @Override
    public void close() {
        for (Memberlist m : nodes) {
            m.shutdown();
        }
    }
}
