package dev.memberlist.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.scheduler.Scheduler;
import dev.memberlist.test.simulation.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Go's suspicion_test.go. The timer tests run on a {@link Simulation}'s virtual clock: Go's
 * timing windows hold exactly, and the exact firing time is checked as well.
 */
class SuspicionTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    /** Go's TestSuspicion_remainingSuspicionTime. */
    @Test
    void remainingSuspicionTime() {
        long[][] cases = {
            // n, k, elapsed, min, max, expected
            {0, 3, 0, 2 * SECOND, 30 * SECOND, 30 * SECOND},
            {1, 3, 2 * SECOND, 2 * SECOND, 30 * SECOND, 14 * SECOND},
            {2, 3, 3 * SECOND, 2 * SECOND, 30 * SECOND, 4810 * MS},
            {3, 3, 4 * SECOND, 2 * SECOND, 30 * SECOND, -2 * SECOND},
            {4, 3, 5 * SECOND, 2 * SECOND, 30 * SECOND, -3 * SECOND},
            {5, 3, 10 * SECOND, 2 * SECOND, 30 * SECOND, -8 * SECOND},
        };
        for (int i = 0; i < cases.length; i++) {
            long[] c = cases[i];
            assertThat(Suspicion.remainingSuspicionTime((int) c[0], (int) c[1], c[2], c[3], c[4]))
                    .as("case %d", i)
                    .isEqualTo(c[5]);
        }
    }

    /** The reference doc's LAN example (n=100: min 8 s, max 48 s, k=2): one confirmation gives about 22.8 s. */
    @Test
    void remainingSuspicionTimeLanExample() {
        assertThat(Suspicion.remainingSuspicionTime(1, 2, 0, 8 * SECOND, 48 * SECOND))
                .isEqualTo(22_762 * MS);
    }

    private record Pair(String from, boolean newInfo) {}

    private record TimerCase(int numConfirmations, String from, List<Pair> confirmations, long expected, long exact) {}

    /** Go's TestSuspicion_Timer. */
    @Test
    void timer() {
        final int k = 3;
        final long min = 500 * MS;
        final long max = 2 * SECOND;

        List<TimerCase> cases = List.of(
                new TimerCase(0, "me", List.of(), max, max),
                new TimerCase(1, "me", List.of(new Pair("me", false), new Pair("foo", true)), 1250 * MS, 1250 * MS),
                new TimerCase(
                        1,
                        "me",
                        List.of(
                                new Pair("me", false),
                                new Pair("foo", true),
                                new Pair("foo", false),
                                new Pair("foo", false)),
                        1250 * MS,
                        1250 * MS),
                // Go's table says 810 ms within its 25 ms windows; the exact time is
                // floor(1000 * (2 - ln 3/ln 4 * 1.5)) = 811 ms
                new TimerCase(
                        2,
                        "me",
                        List.of(new Pair("me", false), new Pair("foo", true), new Pair("bar", true)),
                        810 * MS,
                        811 * MS),
                new TimerCase(
                        3,
                        "me",
                        List.of(
                                new Pair("me", false),
                                new Pair("foo", true),
                                new Pair("bar", true),
                                new Pair("baz", true)),
                        min,
                        min),
                new TimerCase(
                        3,
                        "me",
                        List.of(
                                new Pair("me", false),
                                new Pair("foo", true),
                                new Pair("bar", true),
                                new Pair("baz", true),
                                new Pair("zoo", false)),
                        min,
                        min));

        for (int i = 0; i < cases.size(); i++) {
            TimerCase c = cases.get(i);
            Simulation sim = new Simulation(i);
            Scheduler scheduler = sim.newScheduler("node");
            List<Long> fired = new ArrayList<>();
            long start = sim.nanoTime();
            int caseNo = i;
            Suspicion s = new Suspicion(
                    c.from(),
                    k,
                    min,
                    max,
                    numConfirmations -> {
                        assertThat(numConfirmations).as("case %d", caseNo).isEqualTo(c.numConfirmations());
                        fired.add(sim.nanoTime() - start);
                    },
                    scheduler);

            // Add the requested confirmations, the fudge apart, to check that the timeout is
            // computed overall and does not accumulate extra time.
            long fudge = 25 * MS;
            for (Pair p : c.confirmations()) {
                sim.runFor(Duration.ofNanos(fudge));
                assertThat(s.confirm(p.from()))
                        .as("case %d: newInfo for %s", i, p.from())
                        .isEqualTo(p.newInfo());
            }

            // right before the timeout: not fired yet
            long already = c.confirmations().size() * fudge;
            sim.runFor(Duration.ofNanos(c.expected() - already - fudge));
            assertThat(fired).as("case %d: should not have fired", i).isEmpty();

            // through the timeout and a little after: fired, at exactly the expected time
            sim.runFor(Duration.ofNanos(2 * fudge));
            assertThat(fired).as("case %d: should have fired", i).containsExactly(c.exact());

            // a late confirmation, with a negative remaining time, must not fire it again
            s.confirm("late");
            sim.runFor(Duration.ofNanos(c.expected() + 2 * fudge));
            assertThat(fired).as("case %d: fired again", i).hasSize(1);
        }
    }

    /** Go's TestSuspicion_Timer_ZeroK. */
    @Test
    void timerZeroK() {
        Simulation sim = new Simulation(1);
        List<Long> fired = new ArrayList<>();

        // This should select the min time since there are no expected confirmations to
        // accelerate the timer.
        Suspicion s =
                new Suspicion("me", 0, 25 * MS, 30 * SECOND, n -> fired.add(sim.nanoTime()), sim.newScheduler("node"));
        assertThat(s.confirm("foo")).as("should not provide new information").isFalse();

        sim.runFor(Duration.ofMillis(50));
        assertThat(fired).as("should have fired").containsExactly(25 * MS);
    }

    /** Go's TestSuspicion_Timer_Immediate. */
    @Test
    void timerImmediate() {
        Simulation sim = new Simulation(1);
        List<Integer> fired = new ArrayList<>();

        // This should underflow the timeout and fire immediately.
        Suspicion s = new Suspicion("me", 1, 100 * MS, 30 * SECOND, fired::add, sim.newScheduler("node"));
        sim.runFor(Duration.ofMillis(200));
        s.confirm("foo");
        assertThat(fired).as("fires on the scheduler, not inside confirm").isEmpty();

        sim.runFor(Duration.ZERO);
        assertThat(fired).as("should have fired").containsExactly(1);
        assertThat(sim.elapsed()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void cancelStopsTheTimer() {
        Simulation sim = new Simulation(1);
        Scheduler scheduler = sim.newScheduler("node");
        List<Integer> fired = new ArrayList<>();
        Suspicion s = new Suspicion("me", 3, 500 * MS, 2 * SECOND, fired::add, scheduler);

        sim.runFor(Duration.ofMillis(100));
        s.cancel();
        assertThat(s.confirm("foo"))
                .as("still counts, but nothing is rescheduled")
                .isTrue();
        sim.runFor(Duration.ofSeconds(5));

        assertThat(fired).isEmpty();
    }

    @Test
    void cancelAfterAnImmediateFireWasQueued() {
        Simulation sim = new Simulation(1);
        List<Integer> fired = new ArrayList<>();
        Suspicion s = new Suspicion("me", 1, 100 * MS, 30 * SECOND, fired::add, sim.newScheduler("node"));
        sim.runFor(Duration.ofMillis(200));

        s.confirm("foo");
        s.cancel();
        sim.runFor(Duration.ofSeconds(60));

        assertThat(fired).isEmpty();
    }

    @Test
    void confirmationsAfterKAreIgnored() {
        Simulation sim = new Simulation(1);
        Suspicion s = new Suspicion("me", 2, 500 * MS, 2 * SECOND, n -> {}, sim.newScheduler("node"));

        assertThat(s.confirm("a")).isTrue();
        assertThat(s.confirm("b")).isTrue();
        assertThat(s.confirm("c")).isFalse();
        assertThat(s.confirm("a")).isFalse();
    }

    @Test
    void timeoutFunctionRunsOnTheProtocolThread() {
        Simulation sim = new Simulation(1);
        Scheduler scheduler = sim.newScheduler("node");
        boolean[] onThread = new boolean[1];
        scheduler.execute(() ->
                new Suspicion("me", 1, 10 * MS, 20 * MS, n -> onThread[0] = scheduler.inSchedulerThread(), scheduler));

        sim.runFor(Duration.ofMillis(30));

        assertThat(onThread[0]).isTrue();
    }

    @Test
    void startsAtMinWithoutConfirmationsToWaitFor() {
        Simulation sim = new Simulation(1);
        List<Long> fired = new ArrayList<>();
        new Suspicion("me", -1, 10 * MS, 20 * MS, n -> fired.add(sim.nanoTime()), sim.newScheduler("node"));
        sim.runFor(Duration.ofMillis(30));
        assertThat(fired).containsExactly(TimeUnit.MILLISECONDS.toNanos(10));
    }
}
