package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

/** What a healthy cluster of real nodes shows, for transport tests (UDP, TCP-only, TLS). */
final class ClusterAssertions {
    private ClusterAssertions() {}

    /** Every node holds every member alive throughout {@code watch}: probes and gossip suspect nobody. */
    static void nobodySuspectedFor(List<Memberlist> nodes, Duration watch, Duration wait) {
        long until = System.nanoTime() + watch.toNanos();
        await().atMost(wait).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (Memberlist m : nodes) {
                assertThat(m.members()).allMatch(n -> n.state() == NodeState.ALIVE);
            }
            return System.nanoTime() > until;
        });
    }

    /** Crashes {@code victim} (no leave); both others declare it dead and still hold each other alive. */
    static void crashIsDetected(Memberlist victim, Memberlist a, Memberlist b, Duration wait) {
        String name = victim.name();
        victim.shutdown();
        await().atMost(wait)
                .until(() ->
                        a.node(name).state() == NodeState.DEAD && b.node(name).state() == NodeState.DEAD);
        assertThat(a.node(b.name()).state()).isEqualTo(NodeState.ALIVE);
        assertThat(b.node(a.name()).state()).isEqualTo(NodeState.ALIVE);
    }
}
