package dev.memberlist.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scale scenario on a simulation of several lanes side by side (the way {@code SimBench scale
 * --lanes} runs 10,000 nodes): the cluster forms, detects a crash and spreads an update within
 * the formulas' bounds, and a second run of the same seed and lane count takes exactly the same
 * path, whatever the threads did.
 */
@ExtendWith(QuietEngineLogs.class)
class LanedSimulationTest {
    static final int NODES = 300;

    @Test
    void aLanedRunMeetsTheBoundsAndIsTheSameForTheSameSeed() {
        ScaleScenario.Bounds b = ScaleScenario.Bounds.of(Config.lan(), NODES);
        ScaleScenario.Result r = ScaleScenario.run(3, NODES, false, 4, line -> System.out.println("laned: " + line));
        ScaleScenario.Result again = ScaleScenario.run(3, NODES, false, 4, line -> {});

        assertThat(r.failedJoins()).isZero();
        assertThat(r.converge()).isNotNull().isLessThanOrEqualTo(b.convergeBound());
        assertThat(r.detect()).isNotNull().isGreaterThanOrEqualTo(b.detectMin()).isLessThanOrEqualTo(b.detectBound());
        assertThat(r.disseminate()).isNotNull().isLessThanOrEqualTo(b.disseminateBound());

        assertThat(again.tasks()).isEqualTo(r.tasks());
        assertThat(again.traffic()).isEqualTo(r.traffic());
        assertThat(again.joinSpan()).isEqualTo(r.joinSpan());
        assertThat(again.converge()).isEqualTo(r.converge());
        assertThat(again.detect()).isEqualTo(r.detect());
        assertThat(again.disseminate()).isEqualTo(r.disseminate());
    }
}
