package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threads grow with cores, not with nodes: 200 nodes on real loopback sockets in one JVM run on
 * at most {@code 4 x cores + 16} threads, counted while they run (every thread of the engine's
 * shared pools, plus any other thread started since the test began). Shutting half of them down
 * touches nothing the other half runs on: those go on probing and find the others dead.
 */
class ThreadScaleTest {
    private static final int NODES = 200;
    private final List<Memberlist> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(Memberlist::shutdown);
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet();
    }

    @Test
    @Timeout(240)
    void twoHundredNodesRunOnAFewThreadsAndHalfOfThemStopWithoutTheOthersNoticingButByProbing() {
        int cores = Runtime.getRuntime().availableProcessors();
        int limit = 4 * cores + 16;
        // the shared delegate pool may still hold threads a slow delegate of an earlier test needed
        await().atMost(Duration.ofSeconds(45))
                .until(() -> liveThreads().stream()
                                .filter(t -> t.getName().startsWith("memberlist-delegate-"))
                                .count()
                        <= Math.max(2, cores));
        Set<Thread> before = liveThreads();

        List<Tally> tallies = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            Tally t = new Tally();
            tallies.add(t);
            try {
                nodes.add(Memberlist.create(Config.lan()
                        .setName("scale-" + i)
                        .setBindAddr("127.0.0.1")
                        .setAdvertiseAddr("127.0.0.1")
                        .setBindPort(0)
                        .setMetrics(t)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String seed = "127.0.0.1:" + nodes.get(0).advertiseAddress().getPort();
        List<CompletableFuture<Integer>> joins = new ArrayList<>();
        for (int i = 1; i < NODES; i++) {
            joins.add(nodes.get(i).joinAsync(List.of(seed)));
        }
        CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).join();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> nodes.stream().allMatch(m -> m.numMembers() == NODES));

        // counted while all 200 probe, gossip and push-pull
        Set<Thread> during = liveThreads();
        List<String> counted = during.stream()
                .filter(t -> t.getName().startsWith("memberlist-") || !before.contains(t))
                .map(Thread::getName)
                .sorted()
                .collect(Collectors.toList());
        assertThat(counted)
                .as("threads the nodes run on (limit %d on %d cores): %s", limit, cores, counted)
                .hasSizeLessThanOrEqualTo(limit);

        // half of them crash; the rest must go on probing and find them dead
        List<Memberlist> stopped = nodes.subList(NODES / 2, NODES);
        List<Memberlist> survivors = nodes.subList(0, NODES / 2);
        stopped.forEach(Memberlist::shutdown);
        long[] probesAtStop = new long[NODES / 2];
        for (int i = 0; i < NODES / 2; i++) {
            probesAtStop[i] = tallies.get(i).count("memberlist.probeNode");
        }
        Set<String> stoppedNames = stopped.stream().map(Memberlist::name).collect(Collectors.toSet());
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> survivors.stream().allMatch(m -> m.numMembers() == NODES / 2));
        for (Memberlist m : survivors) {
            for (String name : stoppedNames) {
                Node n = m.node(name);
                assertThat(n == null || n.state() == NodeState.DEAD)
                        .as("%s holds %s dead or reaped", m.name(), name)
                        .isTrue();
            }
        }
        for (int i = 0; i < NODES / 2; i++) {
            assertThat(tallies.get(i).count("memberlist.probeNode") - probesAtStop[i])
                    .as("%s went on probing", survivors.get(i).name())
                    .isGreaterThanOrEqualTo(5);
        }
        assertThat(liveThreads().stream()
                        .filter(t -> t.getName().startsWith("memberlist-") || !before.contains(t))
                        .count())
                .as("threads after half stopped")
                .isLessThanOrEqualTo(limit);
    }
}
