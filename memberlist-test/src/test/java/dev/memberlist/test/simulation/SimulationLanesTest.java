package dev.memberlist.test.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memberlist.engine.scheduler.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A simulation whose schedulers run in lanes side by side, in windows of the lookahead. */
class SimulationLanesTest {
    private static final Duration LOOKAHEAD = Duration.ofMillis(1);

    /**
     * Ping-pong between schedulers: each task schedules one on another scheduler one lookahead
     * later, and one on its own scheduler a random time shorter than that.
     */
    private static List<String> pingPong(Simulation sim, int schedulers, int rounds) {
        List<Scheduler> all = new ArrayList<>();
        Map<Integer, List<String>> perScheduler = new ConcurrentHashMap<>();
        for (int i = 0; i < schedulers; i++) {
            all.add(sim.newScheduler("s-" + i));
            perScheduler.put(i, Collections.synchronizedList(new ArrayList<>()));
        }
        for (int i = 0; i < schedulers; i++) {
            int self = i;
            java.util.Random random = sim.newRandom();
            Runnable[] step = new Runnable[1];
            int[] left = {rounds};
            step[0] = () -> {
                perScheduler.get(self).add(self + "@" + sim.nanoTime());
                if (--left[0] > 0) {
                    all.get(self).schedule(step[0], random.nextInt(900_000), TimeUnit.NANOSECONDS);
                    int other = (self + 1 + random.nextInt(schedulers - 1)) % schedulers;
                    long at = sim.nanoTime();
                    all.get(other)
                            .schedule(
                                    () -> perScheduler
                                            .get(other)
                                            .add("from " + self + " sent " + at + " @" + sim.nanoTime()),
                                    LOOKAHEAD.toNanos() + random.nextInt(1000),
                                    TimeUnit.NANOSECONDS);
                }
            };
            all.get(i).execute(step[0]);
        }
        sim.runFor(Duration.ofSeconds(10));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < schedulers; i++) {
            out.addAll(perScheduler.get(i));
        }
        return out;
    }

    @Test
    void aRunOfLanesIsTheSameEveryTimeAndKeepsEachSchedulersClockInOrder() {
        List<String> first = pingPong(new Simulation(7, 4, LOOKAHEAD), 16, 300);
        List<String> second = pingPong(new Simulation(7, 4, LOOKAHEAD), 16, 300);
        assertThat(first).hasSizeGreaterThan(16 * 300).isEqualTo(second);
        // every scheduler saw its clock move forward only, and every message arrived when due
        Map<String, Long> last = new java.util.HashMap<>();
        for (String e : first) {
            String who = e.startsWith("from ") ? "x" : e.substring(0, e.indexOf('@'));
            long at = Long.parseLong(e.substring(e.indexOf('@') + 1));
            if (e.startsWith("from ")) {
                long sent = Long.parseLong(e.substring(e.indexOf("sent ") + 5, e.indexOf(" @")));
                assertThat(at - sent).isGreaterThanOrEqualTo(LOOKAHEAD.toNanos());
            } else {
                assertThat(at).isGreaterThanOrEqualTo(last.getOrDefault(who, 0L));
                last.put(who, at);
            }
        }
    }

    @Test
    void aRunOfLanesIsTheSameOnOneThreadAsOnSeveral() {
        // which thread runs a lane, in which order, and who hands its sends over must not matter
        List<String> one = pingPong(new Simulation(11, 8, LOOKAHEAD, 1), 24, 200);
        List<String> several = pingPong(new Simulation(11, 8, LOOKAHEAD, 4), 24, 200);
        assertThat(several).hasSizeGreaterThan(24 * 200).isEqualTo(one);
    }

    @Test
    void lanesRunOnSeveralThreadsAndTheClockEndsWhereRunForEnds() {
        Simulation sim = new Simulation(1, 4, LOOKAHEAD);
        Map<String, Boolean> threads = new ConcurrentHashMap<>();
        for (int i = 0; i < 8; i++) {
            Scheduler s = sim.newScheduler("s-" + i);
            Runnable[] tick = new Runnable[1];
            tick[0] = () -> {
                threads.put(Thread.currentThread().getName(), true);
                s.schedule(tick[0], 100, TimeUnit.MICROSECONDS);
            };
            s.execute(tick[0]);
        }
        sim.runFor(Duration.ofSeconds(2));
        assertThat(sim.elapsed()).isEqualTo(Duration.ofSeconds(2));
        assertThat(sim.executedTasks()).isGreaterThan(8 * 19_000);
        if (Runtime.getRuntime().availableProcessors() > 1) {
            assertThat(threads).hasSizeGreaterThan(1);
        }
    }

    @Test
    void aTaskForAnotherLaneSoonerThanTheLookaheadFails() {
        Simulation sim = new Simulation(1, 2, LOOKAHEAD);
        // two names in different lanes
        Scheduler a = sim.newScheduler("a");
        Scheduler b = null;
        for (int i = 0; b == null; i++) {
            if (Math.floorMod(("b" + i).hashCode(), 2) != Math.floorMod("a".hashCode(), 2)) {
                b = sim.newScheduler("b" + i);
            }
        }
        Scheduler other = b;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        a.execute(() -> {
            try {
                other.schedule(() -> {}, 10, TimeUnit.MICROSECONDS);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        sim.runFor(Duration.ofMillis(5));
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("lookahead");
    }

    @Test
    void lanesNeedALookahead() {
        assertThatThrownBy(() -> new Simulation(1, 2, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Simulation(1, 0, LOOKAHEAD)).isInstanceOf(IllegalArgumentException.class);
    }
}
