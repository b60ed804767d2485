package dev.memberlist.engine.transport.net;

import dev.memberlist.engine.Address;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Starts transports on loopback for a test and shuts them all down after it. */
final class NetFixture implements AutoCloseable {
    private final List<NetTransport> transports = new ArrayList<>();

    /** A started transport on {@code bindAddr}, port 0, recording into {@code listener}. */
    NetTransport start(String bindAddr, Recorders.Listener listener) throws IOException {
        return start(NetTransportConfig.builder().bindAddrs(bindAddr).build(), listener);
    }

    NetTransport start(NetTransportConfig config, Recorders.Listener listener) throws IOException {
        NetTransport t = new NetTransport(config);
        transports.add(t);
        t.start(listener);
        return t;
    }

    /** Where {@code t} listens, on the given IP. */
    static Address addressOf(NetTransport t, String ip) {
        return Address.of(new InetSocketAddress(ip, t.boundPort()));
    }

    @Override
    public void close() {
        transports.forEach(NetTransport::shutdown);
        transports.clear();
    }
}
