package dev.memberlist.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.NodeState;
import dev.memberlist.engine.state.ProtocolMath;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole protocol on a virtual clock and an in-memory network: convergence, failure
 * detection and dissemination at 100 nodes, compared with SWIM/Lifeguard's bounds, and
 * replayable by seed.
 */
class MemberlistSimulationTest {

    @Test
    void threeNodesJoinAndSeeEachOther() {
        try (SimCluster c = new SimCluster(1, cfg -> cfg)) {
            c.start(3);
            c.joinAllToFirst();
            assertThat(c.runUntil(c::converged, Duration.ofSeconds(30))).isNotNull();
            assertThat(c.node(2).members()).extracting(n -> n.name()).containsExactlyInAnyOrder("n-0", "n-1", "n-2");
        }
    }

    @Test
    void hundredNodesConvergeDetectACrashAndSpreadAnUpdate() {
        try (SimCluster c = new SimCluster(42, cfg -> cfg)) {
            c.start(100);
            c.joinAllToFirst();
            // joins reach everyone by gossip; push-pull (30 s, scaled x3 at 100 nodes) mends the rest
            Duration converge = c.runUntil(c::converged, Duration.ofMinutes(3));
            assertThat(converge).as("convergence").isNotNull();

            c.crash(99);
            Duration detect = c.runUntil(() -> c.allSeeDead(99), Duration.ofMinutes(3));
            assertThat(detect).as("crash detection").isNotNull();
            // Lifeguard bound: the suspicion timeout is between min and max after the first suspicion
            long min =
                    ProtocolMath.suspicionTimeout(4, 100, Duration.ofSeconds(1).toNanos());
            assertThat(detect.toNanos())
                    .isLessThan(6 * min + Duration.ofSeconds(20).toNanos());

            c.updateMeta(5, "zone=b");
            Duration meta = c.runUntil(() -> c.allSeeMeta(5, "zone=b"), Duration.ofMinutes(1));
            assertThat(meta).as("metadata dissemination").isNotNull();
            assertThat(meta).isLessThan(Duration.ofSeconds(10));
            System.out.printf(
                    "100 nodes: converge %s, detect %s, meta %s, %d tasks%n",
                    converge, detect, meta, c.sim.executedTasks());
        }
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        List<SimCluster.Event> first = scenario(7);
        List<SimCluster.Event> second = scenario(7);
        assertThat(first).isNotEmpty();
        assertThat(second).isEqualTo(first);
        assertThat(scenario(8)).isNotEqualTo(first);
    }

    private static List<SimCluster.Event> scenario(long seed) {
        try (SimCluster c = new SimCluster(seed, cfg -> cfg)) {
            c.start(20);
            c.joinAllToFirst();
            c.runUntil(c::converged, Duration.ofMinutes(2));
            c.crash(3);
            c.runUntil(() -> c.allSeeDead(3), Duration.ofMinutes(2));
            c.updateMeta(1, "v2");
            c.runUntil(() -> c.allSeeMeta(1, "v2"), Duration.ofMinutes(1));
            assertThat(c.node(0).node("n-3").state()).isIn(NodeState.DEAD);
            return c.events();
        }
    }
}
