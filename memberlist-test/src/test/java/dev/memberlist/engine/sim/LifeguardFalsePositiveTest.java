package dev.memberlist.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Lifeguard's effect (issue 4, the experiment of {@code fp-bench.py} on the simulation): 25
 * members on LAN timings, one or three of them slow, with Lifeguard on and off, counting the
 * healthy members declared dead by anyone.
 *
 * <p>A slow member receives everything 6 s late for 120 s of virtual time. 6 s is longer than
 * the suspicion timeout at 25 members ({@code 4 * log10(25) * 1 s = 5.59 s}), so without
 * Lifeguard a slow member that suspects a healthy one cannot hear the refutation before its
 * own timer declares it dead. With Lifeguard its timer starts at six times that (33.5 s) and
 * only independent confirmations shorten it, and its health score stretches its probe
 * interval, so it accuses less often.
 *
 * <p>Each figure is the sum over the seeds {@link #SEEDS}, not the best of them. What the
 * runs counted is printed; {@code BENCHMARKS.md} (section 2) has the figures, those of other
 * delays ({@code SimBench lifeguard}) and those of the process-based fp-bench, Java and Go.
 */
@ExtendWith(QuietEngineLogs.class)
class LifeguardFalsePositiveTest {
    static final long[] SEEDS = {1, 2, 3, 4};
    static final int NODES = 25;
    static final Duration DELAY = Duration.ofSeconds(6);
    static final Duration DEGRADED = Duration.ofSeconds(120);

    @Test
    void oneSlowMemberInTwentyFiveCausesNoFalsePositivesWithLifeguard() {
        Totals on = totals(1, true);
        Totals off = totals(1, false);
        print(1, on, off);
        assertThat(on.healthy).as("healthy members declared dead, Lifeguard on").isZero();
        // the experiment has teeth: without Lifeguard the same slow member does real damage
        assertThat(off.healthy)
                .as("healthy members declared dead, Lifeguard off")
                .isGreaterThanOrEqualTo(10);
    }

    @Test
    void threeSlowMembersCauseAtLeastTenTimesFewerFalsePositivesWithLifeguard() {
        Totals on = totals(3, true);
        Totals off = totals(3, false);
        print(3, on, off);
        assertThat(off.healthy)
                .as("healthy members declared dead, Lifeguard off")
                .isGreaterThanOrEqualTo(10);
        assertThat(10L * on.healthy)
                .as("10 x Lifeguard on (%d) against off (%d)", on.healthy, off.healthy)
                .isLessThanOrEqualTo(off.healthy);
    }

    /** Sums over the seeds; every run must heal once the slow members are fast again. */
    private static Totals totals(int slow, boolean lifeguard) {
        Totals t = new Totals();
        for (long seed : SEEDS) {
            SlowMemberScenario.Result r = SlowMemberScenario.run(seed, NODES, slow, lifeguard, DELAY, DEGRADED);
            assertThat(r.convergedAfter())
                    .as("seed %d, %d slow, Lifeguard %s: converged again", seed, slow, lifeguard)
                    .isNotNull();
            t.healthy += r.healthyDeclaredDead();
            t.slow += r.slowDeclaredDead();
            t.perSeed.append(r.healthyDeclaredDead()).append(' ');
        }
        return t;
    }

    private static void print(int slow, Totals on, Totals off) {
        System.out.printf(
                "Lifeguard, %d slow of %d, delay %ss for %ss, seeds 1-%d: healthy declared dead on %d [%s], off %d [%s];"
                        + " slow declared dead on %d, off %d%n",
                slow,
                NODES,
                DELAY.toSeconds(),
                DEGRADED.toSeconds(),
                SEEDS.length,
                on.healthy,
                on.perSeed.toString().trim(),
                off.healthy,
                off.perSeed.toString().trim(),
                on.slow,
                off.slow);
    }

    private static final class Totals {
        int healthy;
        int slow;
        final StringBuilder perSeed = new StringBuilder();
    }
}
