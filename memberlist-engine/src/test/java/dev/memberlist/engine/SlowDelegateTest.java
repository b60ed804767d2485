package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.delegate.EventDelegate;
import dev.memberlist.engine.delegate.NodeDelegate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failure detection never waits on the application: a node whose delegate blocks 8 s on every
 * call (user messages, events, the push-pull user state merged or sent) is never suspected by
 * anyone, and goes on probing. Real UDP and TCP on loopback, TCP fallback pings off (so only the
 * UDP ack path can keep the slow node alive), default LAN timing: a node whose acks stall is
 * suspect within about a second and dead a few seconds later.
 *
 * <p>One cluster of six per kind of slow delegate, all four at once, watched for 40 s.
 */
class SlowDelegateTest {
    private static final Duration WATCH = Duration.ofSeconds(40);
    private static final long BLOCK_MILLIS = 8_000;
    private static final int NODES = 6;

    enum Slow {
        NOTIFY_MSG,
        EVENTS,
        MERGE_REMOTE_STATE,
        LOCAL_STATE
    }

    private final List<Memberlist> all = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService load = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stop() {
        load.shutdownNow();
        all.forEach(Memberlist::shutdown);
    }

    /** Node delegate and event delegate of every node; only the slow node's blocks, once switched on. */
    static final class App implements NodeDelegate, EventDelegate {
        final Slow kind;
        volatile boolean slow;
        volatile byte[] meta = new byte[0];
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger inProgress = new AtomicInteger();
        final AtomicInteger maxInProgress = new AtomicInteger();

        App(Slow kind) {
            this.kind = kind;
        }

        private void maybeBlock(Slow k) {
            if (!slow || kind != k) {
                return;
            }
            calls.incrementAndGet();
            maxInProgress.accumulateAndGet(inProgress.incrementAndGet(), Math::max);
            try {
                Thread.sleep(BLOCK_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inProgress.decrementAndGet();
            }
        }

        @Override
        public byte[] nodeMeta(int limit) {
            return meta;
        }

        @Override
        public void notifyMsg(byte[] msg) {
            maybeBlock(Slow.NOTIFY_MSG);
        }

        @Override
        public List<byte[]> getBroadcasts(int overhead, int limit) {
            return List.of();
        }

        @Override
        public byte[] localState(boolean join) {
            maybeBlock(Slow.LOCAL_STATE);
            return "state".getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void mergeRemoteState(byte[] buf, boolean join) {
            maybeBlock(Slow.MERGE_REMOTE_STATE);
        }

        @Override
        public void notifyJoin(Node node) {
            maybeBlock(Slow.EVENTS);
        }

        @Override
        public void notifyLeave(Node node) {
            maybeBlock(Slow.EVENTS);
        }

        @Override
        public void notifyUpdate(Node node) {
            maybeBlock(Slow.EVENTS);
        }
    }

    /** Six nodes; node 0 is the slow one. */
    final class Cluster {
        final Slow kind;
        final List<Memberlist> nodes = new ArrayList<>();
        final List<App> apps = new ArrayList<>();
        final List<Tally> tallies = new ArrayList<>();
        final List<String> violations = Collections.synchronizedList(new ArrayList<>());

        Cluster(Slow kind) {
            this.kind = kind;
            for (int i = 0; i < NODES; i++) {
                App app = new App(kind);
                Tally tally = new Tally();
                Config c = Config.lan()
                        .setName(kind.name().toLowerCase() + "-" + i)
                        .setBindAddr("127.0.0.1")
                        .setAdvertiseAddr("127.0.0.1")
                        .setBindPort(0)
                        .setDisableTcpPings(true)
                        // push-pull every 2 s, so the slow node's state delegates are called all the time
                        .setPushPullInterval(Duration.ofSeconds(2))
                        .setMetrics(tally)
                        .setDelegate(app)
                        .setEvents(app);
                try {
                    Memberlist m = Memberlist.create(c);
                    nodes.add(m);
                    all.add(m);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                apps.add(app);
                tallies.add(tally);
            }
            // everyone joins node 1, a healthy seed
            String seed = "127.0.0.1:" + nodes.get(1).advertiseAddress().getPort();
            for (int i = 0; i < NODES; i++) {
                if (i != 1) {
                    nodes.get(i).join(List.of(seed));
                }
            }
        }

        Memberlist slowNode() {
            return nodes.get(0);
        }

        boolean converged() {
            return nodes.stream().allMatch(m -> m.numMembers() == NODES);
        }

        /** Everyone else holds the slow node alive; anything else is recorded. */
        void check(long elapsedMillis) {
            String slowName = slowNode().name();
            for (int i = 1; i < NODES; i++) {
                Node seen = nodes.get(i).node(slowName);
                if (seen == null || seen.state() != NodeState.ALIVE) {
                    violations.add("at " + elapsedMillis + " ms " + nodes.get(i).name() + " held " + slowName + " "
                            + (seen == null ? "unknown" : seen.state()));
                }
            }
        }

        long suspicions() {
            return tallies.stream()
                    .mapToLong(t -> t.count("memberlist.msg.suspect"))
                    .sum();
        }

        long slowNodeProbes() {
            return tallies.get(0).count("memberlist.probeNode");
        }
    }

    @Test
    @Timeout(180)
    void aNodeWhoseDelegatesBlockIsNeverSuspectedAndGoesOnProbing() throws Exception {
        Map<Slow, Cluster> clusters = new EnumMap<>(Slow.class);
        for (Slow kind : Slow.values()) {
            clusters.put(kind, new Cluster(kind));
        }
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> clusters.values().stream().allMatch(Cluster::converged));

        Map<Slow, Long> incarnations = new EnumMap<>(Slow.class);
        Map<Slow, Long> probesBefore = new EnumMap<>(Slow.class);
        for (Cluster c : clusters.values()) {
            incarnations.put(c.kind, c.slowNode().localNode().incarnation());
            probesBefore.put(c.kind, c.slowNodeProbes());
            c.apps.get(0).slow = true;
        }
        long suspicionsBefore =
                clusters.values().stream().mapToLong(Cluster::suspicions).sum();

        // the load that makes the slow delegates run: a user message a second from every other
        // node, a metadata update every 2 s (events everywhere), push-pull every 2 s (configured)
        AtomicInteger round = new AtomicInteger();
        load.scheduleAtFixedRate(
                () -> {
                    for (Cluster c : clusters.values()) {
                        Node target = c.slowNode().localNode();
                        for (int i = 1; i < NODES; i++) {
                            c.nodes.get(i).sendBestEffort(target, new byte[] {'m'});
                        }
                    }
                },
                0,
                1,
                TimeUnit.SECONDS);
        load.scheduleAtFixedRate(
                () -> {
                    int r = round.incrementAndGet();
                    for (Cluster c : clusters.values()) {
                        c.apps.get(1).meta = ("v" + r).getBytes(StandardCharsets.UTF_8);
                        c.nodes.get(1).updateNodeAsync(Duration.ZERO);
                    }
                },
                0,
                2,
                TimeUnit.SECONDS);

        long start = System.nanoTime();
        while (System.nanoTime() - start < WATCH.toNanos()) {
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            clusters.values().forEach(c -> c.check(elapsed));
            Thread.sleep(100);
        }

        for (Cluster c : clusters.values()) {
            App slowApp = c.apps.get(0);
            assertThat(slowApp.calls.get())
                    .as("%s: the slow delegate was called and blocked", c.kind)
                    .isGreaterThanOrEqualTo(2);
            assertThat(slowApp.maxInProgress.get())
                    .as("%s: a call was blocking", c.kind)
                    .isPositive();
            assertThat(c.violations)
                    .as("%s: the slow node was held alive by everyone", c.kind)
                    .isEmpty();
            assertThat(c.slowNode().localNode().incarnation())
                    .as("%s: the slow node never had to refute a suspicion", c.kind)
                    .isEqualTo(incarnations.get(c.kind));
            assertThat(c.slowNodeProbes() - probesBefore.get(c.kind))
                    .as("%s: the slow node probed about once a second", c.kind)
                    .isGreaterThanOrEqualTo(30);
            assertThat(c.slowNode().getHealthScore()).as("%s: health", c.kind).isZero();
        }
        assertThat(clusters.values().stream().mapToLong(Cluster::suspicions).sum() - suspicionsBefore)
                .as("nobody in any cluster was suspected")
                .isZero();
    }
}
