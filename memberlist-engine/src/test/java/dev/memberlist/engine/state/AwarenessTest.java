package dev.memberlist.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.metrics.Metrics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AwarenessTest {
    private static final long SECOND = 1_000_000_000L;

    /** Go's TestAwareness. */
    @Test
    void testAwareness() {
        int[][] cases = {
            // delta, score, timeout (s)
            {0, 0, 1},
            {-1, 0, 1},
            {-10, 0, 1},
            {1, 1, 2},
            {-1, 0, 1},
            {10, 7, 8},
            {-1, 6, 7},
            {-1, 5, 6},
            {-1, 4, 5},
            {-1, 3, 4},
            {-1, 2, 3},
            {-1, 1, 2},
            {-1, 0, 1},
            {-1, 0, 1},
        };

        Awareness a = new Awareness(8, Metrics.NOOP);
        for (int i = 0; i < cases.length; i++) {
            int[] c = cases[i];
            a.applyDelta(c[0]);
            assertThat(a.getHealthScore()).as("case %d: score", i).isEqualTo(c[1]);
            assertThat(a.scaleTimeout(SECOND)).as("case %d: scaled timeout", i).isEqualTo(c[2] * SECOND);
        }
    }

    @Test
    void gaugeOnlyWhenTheScoreChanges() {
        List<Double> gauges = new ArrayList<>();
        Metrics m = new RecordingGauge(gauges);
        Awareness a = new Awareness(3, m);

        a.applyDelta(-1); // railed at 0
        a.applyDelta(1);
        a.applyDelta(5); // clamps to 2
        a.applyDelta(1); // railed at 2
        a.applyDelta(Integer.MIN_VALUE); // no overflow

        assertThat(gauges).containsExactly(1.0, 2.0, 0.0);
        assertThat(a.getHealthScore()).isZero();
    }

    private record RecordingGauge(List<Double> gauges) implements Metrics {

        @Override
        public void setGauge(String name, double value, String... tags) {
            assertThat(name).isEqualTo("memberlist.health.score");
            gauges.add(value);
        }
    }
}
