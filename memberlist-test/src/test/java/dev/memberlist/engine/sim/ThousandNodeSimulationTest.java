package dev.memberlist.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 1,000 nodes on the simulation (issue 4): the cluster forms, every live node declares a
 * crashed node dead, and a metadata update reaches everyone, each within the bounds that
 * SWIM/Lifeguard's formulas give (LAN profile, seed 1). The scenario and the derivations are
 * in {@link ScaleScenario}; with n = 1,000:
 *
 * <ul>
 *   <li>Joins: node i joins the one seed, node 0, at {@code i * 10 ms} (staggered, not all at
 *       once: Go refuses a 128th concurrent push-pull). None may fail.
 *   <li>Convergence, from the last join's return: estimate = rumour rounds {@code
 *       ceil(log_4 1000) + ceil(ln 1000 / 3) = 8} times the wait of a message in a queue of up
 *       to 1,000 alive messages sent 3 packets of 21 a round, {@code ceil(1000 / 63) = 16}
 *       rounds of 200 ms: 25.6 s. Bound: the estimate plus one scaled push-pull interval,
 *       {@code pushPullScale(30 s, 1000) = 30 s * (ceil(log2 1000 - 5) + 1) = 180 s}, by which
 *       anti-entropy has mended any rumour that died out: 205.6 s.
 *   <li>Detection, from the crash: at least the Lifeguard minimum {@code suspicionTimeout(4,
 *       1000, 1 s) = 4 * log10(1000) * 1 s = 12 s}, since no node declares a death before its
 *       timer runs that long; at most 10 s (the first probe of the crashed node: n - 1 nodes
 *       probe one node a second) + 1 s (the probe failing) + the maximum {@code 6 * 12 s = 72 s}
 *       (no confirmations at all) + the dissemination bound: 86.2 s.
 *   <li>Dissemination, from the update: at most {@code retransmitLimit(4, 1000) * 200 ms = 4 *
 *       ceil(log10 1001) * 200 ms = 3.2 s}, the time the first holder keeps sending the update
 *       to 3 nodes a round; estimate 8 rounds, 1.6 s.
 * </ul>
 *
 * <p>About a minute of real time on a 2-core machine (the joins are a million alive messages,
 * each gossiped 16 times).
 */
@ExtendWith(QuietEngineLogs.class)
class ThousandNodeSimulationTest {
    static final int NODES = 1000;

    @Test
    void thousandNodesConvergeDetectACrashAndSpreadAnUpdateWithinTheFormulasBounds() {
        ScaleScenario.Bounds b = ScaleScenario.Bounds.of(Config.lan(), NODES);
        assertThat(b.suspicionMin()).hasSeconds(12);
        assertThat(b.suspicionMax()).hasSeconds(72);
        assertThat(b.retransmitLimit()).isEqualTo(16);
        assertThat(b.pushPullInterval()).hasSeconds(180);

        ScaleScenario.Result r = ScaleScenario.run(1, NODES, line -> System.out.println("1,000 nodes: " + line));
        System.out.println("1,000 nodes: " + r);
        System.out.println("1,000 nodes: " + b);

        assertThat(r.failedJoins()).as("failed joins").isZero();
        assertThat(r.converge()).as("convergence").isNotNull().isLessThanOrEqualTo(b.convergeBound());
        assertThat(r.detect())
                .as("crash detection")
                .isNotNull()
                .isGreaterThanOrEqualTo(b.detectMin())
                .isLessThanOrEqualTo(b.detectBound());
        assertThat(r.disseminate()).as("metadata dissemination").isNotNull().isLessThanOrEqualTo(b.disseminateBound());
    }
}
