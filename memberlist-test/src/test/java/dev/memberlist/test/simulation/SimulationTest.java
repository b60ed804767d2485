package dev.memberlist.test.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.scheduler.Cancellable;
import dev.memberlist.engine.scheduler.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimulationTest {
    private final Simulation sim = new Simulation(42);
    private final List<String> log = new ArrayList<>();

    private Runnable record(String what) {
        return () -> log.add(what + "@" + sim.elapsed().toMillis());
    }

    @Test
    void tasksRunInTimeOrder() {
        Scheduler a = sim.newScheduler("a");
        Scheduler b = sim.newScheduler("b");
        a.schedule(record("a30"), 30, TimeUnit.MILLISECONDS);
        b.schedule(record("b10"), 10, TimeUnit.MILLISECONDS);
        a.schedule(record("a20"), 20, TimeUnit.MILLISECONDS);
        b.execute(record("b0"));

        sim.runFor(Duration.ofMillis(100));

        assertThat(log).containsExactly("b0@0", "b10@10", "a20@20", "a30@30");
        assertThat(sim.elapsed()).isEqualTo(Duration.ofMillis(100));
        assertThat(sim.executedTasks()).isEqualTo(4);
    }

    @Test
    void sameTimeTasksRunInSubmissionOrder() {
        Scheduler a = sim.newScheduler("a");
        Scheduler b = sim.newScheduler("b");
        for (int i = 0; i < 5; i++) {
            (i % 2 == 0 ? a : b).schedule(record("t" + i), 5, TimeUnit.MILLISECONDS);
        }
        // a task submitted while running, due now, runs after those already due now
        a.schedule(
                () -> {
                    log.add("spawner@" + sim.elapsed().toMillis());
                    b.execute(record("spawned"));
                    a.schedule(record("spawned0"), 0, TimeUnit.MILLISECONDS);
                },
                5,
                TimeUnit.MILLISECONDS);
        a.schedule(record("last"), 5, TimeUnit.MILLISECONDS);

        sim.runFor(Duration.ofMillis(5));

        assertThat(log)
                .containsExactly(
                        "t0@5", "t1@5", "t2@5", "t3@5", "t4@5", "spawner@5", "last@5", "spawned@5", "spawned0@5");
    }

    @Test
    void runForStopsAtItsEnd() {
        Scheduler a = sim.newScheduler("a");
        a.schedule(record("in"), 10, TimeUnit.MILLISECONDS);
        a.schedule(record("edge"), 20, TimeUnit.MILLISECONDS);
        a.schedule(record("out"), 21, TimeUnit.MILLISECONDS);

        sim.runFor(Duration.ofMillis(20));
        assertThat(log).containsExactly("in@10", "edge@20");
        assertThat(sim.nanoTime()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(20));

        sim.runFor(Duration.ofMillis(1));
        assertThat(log).containsExactly("in@10", "edge@20", "out@21");
    }

    @Test
    void cancelIsGoTimerStop() {
        Scheduler a = sim.newScheduler("a");
        Cancellable never = a.schedule(record("never"), 10, TimeUnit.MILLISECONDS);
        Cancellable ran = a.schedule(record("ran"), 5, TimeUnit.MILLISECONDS);

        assertThat(never.cancel()).isTrue();
        assertThat(never.cancel()).as("second stop").isFalse();
        sim.runFor(Duration.ofMillis(20));

        assertThat(log).containsExactly("ran@5");
        assertThat(ran.cancel()).as("stop after it fired").isFalse();
        assertThat(sim.executedTasks()).isEqualTo(1);
    }

    /** A task holding {@code payload}, scheduled far ahead; the reference lets the test see it go. */
    private Cancellable holding(Scheduler s, java.lang.ref.WeakReference<?>[] ref) {
        byte[] payload = new byte[1 << 20];
        ref[0] = new java.lang.ref.WeakReference<>(payload);
        return s.schedule(() -> log.add("held " + payload.length), 10, TimeUnit.SECONDS);
    }

    @Test
    void aCancelledTaskLetsGoOfWhatItHoldsLongBeforeItsTime() {
        // a stream's deadline holds the stream's whole message; at thousands of nodes the
        // cancelled deadlines of a join storm held hundreds of megabytes for their 10 s
        Scheduler a = sim.newScheduler("a");
        java.lang.ref.WeakReference<?>[] ref = new java.lang.ref.WeakReference<?>[1];
        Cancellable c = holding(a, ref);
        sim.runFor(Duration.ofMillis(1));

        assertThat(c.cancel()).isTrue();
        for (int i = 0; i < 20 && ref[0].get() != null; i++) {
            System.gc();
        }
        assertThat(ref[0].get()).as("the cancelled task's payload").isNull();
        sim.runFor(Duration.ofSeconds(20));
        assertThat(log).isEmpty();
    }

    @Test
    void cancelFromAnEarlierTaskAtTheSameTime() {
        Scheduler a = sim.newScheduler("a");
        Cancellable[] later = new Cancellable[1];
        a.schedule(() -> assertThat(later[0].cancel()).isTrue(), 5, TimeUnit.MILLISECONDS);
        later[0] = a.schedule(record("later"), 5, TimeUnit.MILLISECONDS);

        sim.runFor(Duration.ofMillis(10));

        assertThat(log).isEmpty();
    }

    @Test
    void shutdownDropsPendingTasksOfThatSchedulerOnly() {
        Scheduler a = sim.newScheduler("a");
        Scheduler b = sim.newScheduler("b");
        a.schedule(record("a5"), 5, TimeUnit.MILLISECONDS);
        a.schedule(record("a15"), 15, TimeUnit.MILLISECONDS);
        b.schedule(record("b15"), 15, TimeUnit.MILLISECONDS);
        b.schedule(a::shutdown, 10, TimeUnit.MILLISECONDS);

        sim.runFor(Duration.ofMillis(20));
        a.execute(record("after"));
        assertThat(a.schedule(record("after2"), 1, TimeUnit.MILLISECONDS).cancel())
                .isFalse();
        sim.runFor(Duration.ofMillis(20));

        assertThat(log).containsExactly("a5@5", "b15@15");
    }

    @Test
    void runUntilStopsWhenTheConditionHolds() {
        Scheduler a = sim.newScheduler("a");
        boolean[] done = new boolean[1];
        a.schedule(() -> done[0] = true, 5, TimeUnit.MILLISECONDS);
        a.schedule(record("sameTime"), 5, TimeUnit.MILLISECONDS);
        a.schedule(record("later"), 1000, TimeUnit.MILLISECONDS);

        assertThat(sim.runUntil(() -> done[0], Duration.ofSeconds(10))).isTrue();

        // stops when the clock would advance past the moment the condition became true,
        // not at the time of the next task
        assertThat(sim.elapsed()).isEqualTo(Duration.ofMillis(5));
        assertThat(log).containsExactly("sameTime@5");

        // the rest still runs later
        sim.runFor(Duration.ofSeconds(1));
        assertThat(log).containsExactly("sameTime@5", "later@1000");
    }

    @Test
    void runUntilGivesUpAtMax() {
        Scheduler a = sim.newScheduler("a");
        a.schedule(record("t"), 2, TimeUnit.SECONDS);

        assertThat(sim.runUntil(() -> false, Duration.ofSeconds(1))).isFalse();
        assertThat(sim.elapsed()).isEqualTo(Duration.ofSeconds(1));
        assertThat(log).isEmpty();

        assertThat(sim.runUntil(() -> true, Duration.ofSeconds(5))).isTrue();
        assertThat(sim.elapsed()).as("already true: no time passes").isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void runUntilReturnsTheConditionWhenTheQueueRunsDry() {
        Scheduler a = sim.newScheduler("a");
        boolean[] done = new boolean[1];
        a.schedule(() -> done[0] = true, 5, TimeUnit.MILLISECONDS);

        assertThat(sim.runUntil(() -> done[0], Duration.ofSeconds(10))).isTrue();
        assertThat(sim.elapsed()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void hugeDelaysDoNotOverflow() {
        Scheduler a = sim.newScheduler("a");
        a.schedule(record("soon"), 1, TimeUnit.MILLISECONDS);
        sim.runFor(Duration.ofMillis(1));
        a.schedule(record("never"), Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        a.schedule(record("alsoNever"), Long.MAX_VALUE, TimeUnit.DAYS);

        sim.runFor(Duration.ofDays(365));

        assertThat(log).containsExactly("soon@1");
    }

    @Test
    void clocksAndThreads() {
        Scheduler a = sim.newScheduler("a");
        long epoch = a.currentTimeMillis();
        boolean[] inThread = new boolean[1];
        a.schedule(() -> inThread[0] = a.inSchedulerThread(), 1500, TimeUnit.MILLISECONDS);

        sim.runFor(Duration.ofSeconds(2));

        assertThat(a.isVirtual()).isTrue();
        assertThat(inThread[0]).isTrue();
        assertThat(a.inSchedulerThread()).as("outside a run").isFalse();
        assertThat(a.currentTimeMillis() - epoch).isEqualTo(2000);
        assertThat(a.nanoTime()).isEqualTo(sim.nanoTime()).isEqualTo(2_000_000_000L);
    }

    @Test
    void aFailingTaskDoesNotStopTheRun() {
        Scheduler a = sim.newScheduler("a");
        a.execute(() -> {
            throw new IllegalStateException("boom (expected by the test)");
        });
        a.execute(record("next"));

        sim.runFor(Duration.ZERO);

        assertThat(log).containsExactly("next@0");
    }

    @Test
    void sameSeedSameRandomness() {
        Simulation other = new Simulation(42);
        assertThat(sim.newRandom().nextLong()).isEqualTo(other.newRandom().nextLong());
        assertThat(sim.random().nextInt()).isEqualTo(other.random().nextInt());
    }
}
