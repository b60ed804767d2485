package dev.memberlist.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.sim.FaultScenarios.LossResult;
import dev.memberlist.test.fault.LinkFaults.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Packet loss on every link (issue 4, scenario 1): 24 nodes with LAN timings converge on a
 * perfect network, then run three virtual minutes with 10%, 25% or 50% of all packets lost in
 * every direction (streams are TCP: loss does not touch them); then a node crashes, then a
 * node updates its metadata.
 *
 * <p>Asserted at every level: the crashed node is held dead by every live node within
 * {@link FaultScenarios#detectionBound} (n probe intervals + Lifeguard's maximum suspicion +
 * two disseminations: 24 + 33.1 + 3.2 = 60.3 s at 24 nodes), and the metadata reaches every
 * node within {@link FaultScenarios#pushPullBound} (30 s + 3.2 s). And no healthy node is
 * declared dead by anyone: the issue asks it at 10%; with TCP pings on (Go's default) it holds
 * at every level, because a probe only fails when its TCP fallback fails too, and packet loss
 * never stops a TCP ping. Measured (seed 4): no suspicion at all at any level, crash known
 * everywhere after 8.0 s (10%), 7.0 s (25%), 7.0 s (50%), metadata everywhere after 0.8 s,
 * 0.7 s, 1.2 s.
 *
 * <p>Without TCP pings (pure UDP SWIM with Lifeguard), 10% loss still declares no healthy node
 * dead (31 suspicions, all refuted, seed 4). At 25% and 50% UDP-only SWIM does declare healthy
 * nodes dead (1 and 77 declarations over 3 minutes, seed 4); that is the protocol, not a bug,
 * and {@code FaultBench} records it at full size.
 */
class LossScenarioTest {
    private static final int NODES = 24;
    private static final long SEED = 4;
    private static final Duration OBSERVE = Duration.ofMinutes(3);

    @ParameterizedTest(name = "{0} loss")
    @ValueSource(doubles = {0.10, 0.25, 0.50})
    void lossOnEveryLink(double loss) {
        LossResult r = FaultScenarios.loss(NODES, loss, SEED, OBSERVE, cfg -> cfg);
        System.out.println(r);
        assertOutcomes(r, Config.lan());
        assertThat(r.falseDeaths()).as("healthy nodes declared dead").isZero();
        // packet loss alone never fails a probe whose TCP fallback gets through
        assertThat(r.refutations()).as("refutations").isZero();
    }

    @Test
    void tenPercentLossWithoutTcpPingsDeclaresNoHealthyNodeDead() {
        LossResult r = FaultScenarios.loss(NODES, 0.10, SEED, OBSERVE, cfg -> cfg.setDisableTcpPings(true));
        System.out.println(r);
        assertOutcomes(r, Config.lan().setDisableTcpPings(true));
        assertThat(r.falseDeaths()).as("healthy nodes declared dead").isZero();
        // UDP-only probes do fail now and then: suspicions happen and are refuted in time
        assertThat(r.refutations()).as("refutations").isPositive();
    }

    @Test
    void aFaultyRunReplaysFromItsSeed() {
        List<Object> first = faultyRun(9);
        assertThat(faultyRun(9)).isEqualTo(first);
        assertThat(faultyRun(10)).isNotEqualTo(first);
    }

    /** Every event and the network's counters of a short run with every kind of packet fault. */
    private static List<Object> faultyRun(long seed) {
        try (SimCluster c = FaultScenarios.converged(12, seed, cfg -> cfg.setDisableTcpPings(true))) {
            c.network
                    .faults()
                    .setAll(Rule.loss(0.3).withDuplicate(0.1).withDelay(Duration.ofMillis(2), Duration.ofMillis(20)))
                    .block(c.name(1), c.name(2));
            c.sim.runFor(Duration.ofMinutes(1));
            c.crash(11);
            c.runUntil(() -> c.allSeeDead(11), Duration.ofMinutes(2));
            List<Object> out = new ArrayList<>(c.events());
            out.add(c.network.faults().stats());
            out.add(c.sim.executedTasks());
            return out;
        }
    }

    private static void assertOutcomes(LossResult r, Config c) {
        // the loss really happened
        double measured =
                (double) r.stats().lost() / (r.stats().packets() - r.stats().blocked());
        assertThat(measured).isBetween(r.loss() * 0.5, r.loss() * 1.1);
        assertThat(r.detect()).as("crash detected everywhere").isNotNull();
        assertThat(r.detect()).isLessThanOrEqualTo(FaultScenarios.detectionBound(c, NODES));
        assertThat(r.firstDeclared()).isNotNull().isLessThanOrEqualTo(r.detect());
        assertThat(r.meta()).as("metadata everywhere").isNotNull();
        assertThat(r.meta()).isLessThanOrEqualTo(FaultScenarios.pushPullBound(c, NODES));
    }
}
