package dev.memberlist.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.sim.FaultScenarios.PartitionResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A partition into two halves, then a heal (issue 4, scenario 2), 20 nodes with LAN timings.
 *
 * <p>During the split each side declares every node of the other side dead, within
 * {@link FaultScenarios#detectionBound} (20 + 31.2 + 3.2 = 54.4 s at 20 nodes; measured
 * 17.4 s for seed 4).
 *
 * <p><b>After the heal, Go memberlist stays split.</b> Push-pull only picks nodes it holds
 * alive, probes skip dead nodes, and gossip reaches dead nodes only while it has something
 * queued, for {@code GossipToTheDeadTime} (Go's state.go pushPull, probe and gossip). Once the
 * dead messages have been gossiped, no packet or stream goes from one side to the other, and
 * 30 s later each side reaps the other and forgets it; Go leaves the merge to the application
 * (Serf's reconnect loop). With {@code Config.reconnectDeadNodes=false} this engine does
 * exactly that ({@link #withGosBehaviourAHealedPartitionStaysSplit}). With a cluster label or
 * keyring (and then by default) each push-pull round also contacts one node held dead, or
 * reaped while dead within {@code Config.reconnectTimeout}, so the sides merge on their own
 * ({@link #aHealedPartitionMergesWithinOnePushPullInterval}), even when the partition lasted so
 * long that both sides had reaped each other ({@link #aLongPartitionMergesOnceHealedThoughBothSidesReapedEachOther}).
 *
 * <p>With one such join across the healed partition, the whole cluster is alive on every node
 * within one push-pull interval plus dissemination ({@link FaultScenarios#pushPullBound}:
 * 30 + 3.2 s; measured 2.8 s). The merge needs refutations: each side holds the other dead at
 * the same incarnation, so a plain alive is dropped ({@code aliveNode}: an incarnation not above
 * the one held is stale). The join's push-pull carries each side's dead records to the other;
 * a remote dead only makes the receiver suspect the node ({@code mergeState}), the suspicion is
 * gossiped on its side, the accused node refutes with a higher incarnation, and that alive is
 * accepted everywhere (gossip to the dead carries it across). So every node refutes, and each
 * one is then alive on every node.
 */
class PartitionScenarioTest {
    private static final int NODES = 20;
    private static final long SEED = 4;
    private static final Config LAN = Config.lan();

    @Test
    void eachSideDeclaresTheOtherDeadAndAJoinAcrossTheHealedPartitionMergesThem() {
        // healed 5 s after the last declaration, when the dead messages are long gossiped; the join 1 s later
        PartitionResult r = FaultScenarios.partition(
                NODES, SEED, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(3), cfg -> cfg);
        System.out.println(r);
        assertThat(r.splitDead()).as("each side holds the other dead").isNotNull();
        assertThat(r.splitDead()).isLessThanOrEqualTo(FaultScenarios.detectionBound(LAN, NODES));
        // every node declared every node of the other side dead, once
        assertThat(r.deadDeclarations()).isEqualTo(2 * (NODES / 2) * (NODES / 2));

        assertThat(r.healed()).as("alive everywhere after the heal").isNotNull();
        assertThat(r.healed())
                .isLessThanOrEqualTo(Duration.ofSeconds(1).plus(FaultScenarios.pushPullBound(LAN, NODES)));
        // each side held the other dead: every node had to refute, and is alive everywhere
        assertThat(r.refuted()).hasSize(NODES);
        assertThat(r.refutedAliveEverywhere()).isTrue();
    }

    @Test
    void aHealedPartitionMergesWithinOnePushPullInterval() {
        // healed 5 s after the last declaration, when the dead messages are long gossiped; no join
        PartitionResult r = FaultScenarios.partition(
                NODES, SEED, Duration.ofSeconds(5), null, Duration.ofMinutes(3), PartitionScenarioTest::labelled);
        System.out.println(r);
        assertThat(r.splitDead()).isNotNull();
        assertThat(r.healed()).as("alive everywhere after the heal").isNotNull();
        assertThat(r.healed()).isLessThanOrEqualTo(FaultScenarios.pushPullBound(LAN, NODES));
        assertThat(r.refuted()).hasSize(NODES);
        assertThat(r.refutedAliveEverywhere()).isTrue();
    }

    @Test
    void aLongPartitionMergesOnceHealedThoughBothSidesReapedEachOther() {
        // healed 3 minutes after the last declaration: GossipToTheDeadTime (30 s) and a probe-list
        // pass are long over, and no node holds an entry of the other side
        PartitionResult r = FaultScenarios.partition(
                NODES, SEED, Duration.ofMinutes(3), null, Duration.ofMinutes(3), PartitionScenarioTest::labelled);
        System.out.println(r);
        assertThat(r.crossKnownAtHeal())
                .as("entries about the other side at the heal")
                .isZero();
        assertThat(r.healed()).as("alive everywhere after the heal").isNotNull();
        assertThat(r.healed()).isLessThanOrEqualTo(FaultScenarios.pushPullBound(LAN, NODES));
        assertThat(r.refutedAliveEverywhere()).isTrue();
    }

    @Test
    void withoutReconnectTimeAReapedPartitionStaysSplit() {
        PartitionResult r = FaultScenarios.partition(
                NODES, SEED, Duration.ofMinutes(3), null, Duration.ofMinutes(3), cfg -> labelled(cfg)
                        .setReconnectTimeout(Duration.ZERO));
        assertThat(r.crossKnownAtHeal()).isZero();
        assertThat(r.healed()).as("nobody left to reconnect to").isNull();
    }

    /** A cluster identity: with a label set, reconnecting is on by default. */
    private static Config labelled(Config cfg) {
        return cfg.setLabel("cluster-a");
    }

    @Test
    void withoutAClusterIdentityReconnectingIsOffByDefault() {
        // no label, no keyring: a dead member's address may be another cluster's node now
        PartitionResult r =
                FaultScenarios.partition(NODES, SEED, Duration.ofSeconds(5), null, Duration.ofMinutes(3), cfg -> cfg);
        assertThat(r.splitDead()).isNotNull();
        assertThat(r.healed()).as("not merged without a label or keyring").isNull();
    }

    @Test
    void withGosBehaviourAHealedPartitionStaysSplit() {
        PartitionResult r = FaultScenarios.partition(
                NODES,
                SEED,
                Duration.ofSeconds(5),
                null,
                Duration.ofMinutes(3),
                cfg -> cfg.setReconnectDeadNodes(false));
        System.out.println(r);
        assertThat(r.splitDead()).isNotNull();
        assertThat(r.healed()).as("never merged on its own").isNull();
        // the sides forgot each other once GossipToTheDeadTime passed
        assertThat(r.crossKnown()).isZero();
        assertThat(r.refuted()).isEmpty();
    }
}
