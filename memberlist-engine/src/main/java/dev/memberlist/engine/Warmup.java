package dev.memberlist.engine;

import dev.memberlist.engine.broadcast.Broadcast;
import dev.memberlist.engine.broadcast.TransmitLimitedQueue;
import dev.memberlist.engine.delegate.EventDelegate;
import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.engine.security.Keyring;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms a JVM up for memberlist. A JVM runs new code slowly until its JIT compilers have seen it
 * run often, and memberlist's steady traffic is light (a probe and a few gossip rounds a second),
 * so left alone the compilers keep working for minutes, at a cost per node larger than the
 * protocol's own. Opt-in; each method runs once per JVM, later calls return at once.
 *
 * <ul>
 *   <li>{@link #loopback()}: two nodes join, exchange state, a message and a ping, encrypted
 *       and compressed (about 200 ms): enough that a first join under load does not outlast a
 *       short TCP timeout.
 *   <li>{@link #protocol(Config, Duration)}: a few nodes with the given settings run the whole
 *       protocol at a hundred times its pace (probes, acks, gossip, push-pull, broadcasts, user
 *       messages, metadata updates) for the given time, then the JIT is given up to 5 s to
 *       finish what that queued. Costs that time on every core once, so that what follows runs
 *       compiled code from the start: what a benchmark that measures steady CPU needs. A second
 *       brings everything to C1's level; C2 keeps recompiling in bursts for minutes whatever
 *       the warm-up, so a JVM that must be quiet soon after start runs C1 only
 *       ({@code -XX:TieredStopAtLevel=1}), which is plenty for memberlist's pace.
 * </ul>
 */
public final class Warmup {
    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    private static final AtomicBoolean loopbackDone = new AtomicBoolean();
    private static final AtomicBoolean protocolDone = new AtomicBoolean();

    private Warmup() {}

    /**
     * Runs the short warm-up once per JVM. Failures (no loopback, say) are logged at debug and
     * otherwise ignored.
     */
    public static void loopback() {
        if (!loopbackDone.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        Memberlist a = null;
        Memberlist b = null;
        try {
            Keyring keys = Keyring.of(new byte[16]);
            a = Memberlist.create(quiet(base("memberlist-warmup-a").setKeyring(keys)));
            b = Memberlist.create(quiet(base("memberlist-warmup-b").setKeyring(keys)));
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

    /**
     * Runs the protocol fast for a while on loopback, once per JVM, with the settings that
     * matter to which code runs (compression, keyring, label, protocol version) taken from
     * {@code like}; its name, addresses, transport, delegates and timings are not used.
     *
     * @param like the configuration the real nodes will have
     * @param duration how long the nodes run; 2-3 s brings the hot paths to full compilation
     */
    public static void protocol(Config like, Duration duration) {
        if (!protocolDone.compareAndSet(false, true)) {
            return;
        }
        loopback();
        long start = System.nanoTime();
        List<Memberlist> nodes = new ArrayList<>();
        List<App> apps = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                App app = new App();
                Config c = base("memberlist-warmup-" + i)
                        .setEnableCompression(like.isEnableCompression())
                        .setKeyring(like.getKeyring())
                        .setLabel(like.getLabel())
                        .setProtocolVersion(like.getProtocolVersion())
                        .setProbeInterval(Duration.ofMillis(5))
                        .setProbeTimeout(Duration.ofMillis(3))
                        .setGossipInterval(Duration.ofMillis(2))
                        .setPushPullInterval(Duration.ofMillis(250))
                        .setDelegate(app)
                        .setEvents(app);
                Memberlist m = Memberlist.create(quiet(c));
                app.queue = new TransmitLimitedQueue(m::numMembers, c.getRetransmitMult());
                nodes.add(m);
                apps.add(app);
            }
            String seed = "127.0.0.1:" + nodes.get(0).advertiseAddress().getPort();
            for (int i = 1; i < nodes.size(); i++) {
                nodes.get(i).join(List.of(seed));
            }
            long end = start + duration.toNanos();
            for (int round = 0; System.nanoTime() < end; round++) {
                for (int i = 0; i < nodes.size(); i++) {
                    Memberlist m = nodes.get(i);
                    App app = apps.get(i);
                    if (round % 5 == 0) {
                        app.broadcast(("w" + round).getBytes(StandardCharsets.UTF_8));
                    }
                    Node peer = nodes.get((round + 1) % nodes.size()).localNode();
                    m.sendBestEffortAsync(peer, new byte[] {'b', (byte) round});
                    if (round % 10 == 0) {
                        m.sendReliableAsync(peer, new byte[] {'r', (byte) round});
                        app.meta = ("m" + round).getBytes(StandardCharsets.UTF_8);
                        m.updateNodeAsync(Duration.ZERO);
                    }
                }
                Thread.sleep(2);
            }
        } catch (Exception e) {
            log.debug("memberlist: protocol warm-up failed", e);
        } finally {
            nodes.forEach(Memberlist::shutdown);
        }
        awaitCompilerQuiet(Duration.ofSeconds(5));
        log.debug("memberlist: protocol warm-up took {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /** Waits until the JIT finished no compilation for a second, or the limit. */
    private static void awaitCompilerQuiet(Duration limit) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long end = System.nanoTime() + limit.toNanos();
        long last = jit.getTotalCompilationTime();
        try {
            while (System.nanoTime() < end) {
                Thread.sleep(1000);
                long now = jit.getTotalCompilationTime();
                if (now == last) {
                    return;
                }
                last = now;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Config base(String name) {
        return Config.local()
                .setName(name)
                .setBindAddr("127.0.0.1")
                .setAdvertiseAddr("127.0.0.1")
                .setBindPort(0)
                .setTcpTimeout(Duration.ofSeconds(5));
    }

    private static Config quiet(Config c) {
        if (c.getDelegate() == null) {
            c.setProbeInterval(Duration.ZERO).setGossipInterval(Duration.ZERO).setPushPullInterval(Duration.ZERO);
        }
        return c;
    }

    /** A delegate like an application's: metadata, broadcasts through a queue, user state. */
    private static final class App implements NodeDelegate, EventDelegate {
        volatile byte[] meta = new byte[0];
        volatile TransmitLimitedQueue queue;

        void broadcast(byte[] msg) {
            TransmitLimitedQueue q = queue;
            if (q != null) {
                q.queueBroadcast(new Broadcast() {
                    @Override
                    public boolean invalidates(Broadcast other) {
                        return false;
                    }

                    @Override
                    public byte[] message() {
                        return msg;
                    }

                    @Override
                    public void finished() {}
                });
            }
        }

        @Override
        public byte[] nodeMeta(int limit) {
            return meta;
        }

        @Override
        public void notifyMsg(byte[] msg) {}

        @Override
        public List<byte[]> getBroadcasts(int overhead, int limit) {
            TransmitLimitedQueue q = queue;
            return q == null ? List.of() : q.getBroadcasts(overhead, limit);
        }

        @Override
        public byte[] localState(boolean join) {
            return meta;
        }

        @Override
        public void mergeRemoteState(byte[] buf, boolean join) {}

        @Override
        public void notifyJoin(Node node) {}

        @Override
        public void notifyLeave(Node node) {}

        @Override
        public void notifyUpdate(Node node) {}
    }
}
