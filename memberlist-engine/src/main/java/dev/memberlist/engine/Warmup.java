package dev.memberlist.engine;

import dev.memberlist.engine.security.Keyring;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms a JVM up for memberlist: two throwaway nodes on loopback join, exchange state, a
 * message and a ping, encrypted and compressed, then shut down. A cold JVM spends about
 * 200 ms loading and interpreting that code on its first join (warm joins take a few ms),
 * which under load can outlast a short TCP timeout such as the local profile's 1 s. Opt-in:
 * call it before starting nodes where the first join must be quick; it runs once per JVM.
 */
public final class Warmup {
    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    private static final AtomicBoolean done = new AtomicBoolean();

    private Warmup() {}

    /**
     * Runs the warm-up once per JVM; later calls return at once. Failures (no loopback, say)
     * are logged at debug and otherwise ignored.
     */
    public static void loopback() {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        Memberlist a = null;
        Memberlist b = null;
        try {
            Keyring keys = Keyring.of(new byte[16]);
            a = Memberlist.create(config("memberlist-warmup-a", keys));
            b = Memberlist.create(config("memberlist-warmup-b", keys));
            b.join(List.of("127.0.0.1:" + a.advertiseAddress().getPort()));
            b.sendReliable(a.localNode(), "warm".getBytes(StandardCharsets.UTF_8));
            b.ping(a.name(), a.advertiseAddress());
        } catch (Exception e) {
            log.debug("memberlist: warm-up failed", e);
        } finally {
            if (b != null) {
                b.shutdown();
            }
            if (a != null) {
                a.shutdown();
            }
        }
        log.debug("memberlist: warm-up took {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    private static Config config(String name, Keyring keys) {
        return Config.local()
                .setName(name)
                .setBindAddr("127.0.0.1")
                .setAdvertiseAddr("127.0.0.1")
                .setBindPort(0)
                .setKeyring(keys)
                .setTcpTimeout(Duration.ofSeconds(5))
                .setProbeInterval(Duration.ZERO)
                .setGossipInterval(Duration.ZERO)
                .setPushPullInterval(Duration.ZERO);
    }
}
