package dev.memberlist.test.simulation;

import dev.memberlist.engine.scheduler.Cancellable;
import dev.memberlist.engine.scheduler.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Virtual time for deterministic runs: every node of a simulated cluster gets a
 * {@link #newScheduler(String) scheduler} on this one clock, and {@link #runFor(Duration)}
 * executes their tasks in time order on the calling thread. No task ever waits for real
 * time, so a thousand nodes for an hour of protocol time run in seconds, and the same seed
 * gives the same run.
 */
public final class Simulation {
    private static final Logger log = LoggerFactory.getLogger(Simulation.class);
    /** Virtual wall clock at time zero: a fixed instant, so runs are reproducible. */
    private static final long EPOCH_MILLIS = 1_700_000_000_000L;

    /** Tasks due later than now, by time then submission. */
    private final TaskHeap queue = new TaskHeap();
    /**
     * Tasks due now, in submission order: nearly half of all tasks (a strand's hand-offs, the
     * delegate queue) run at the instant they are submitted, and a queue costs them nothing to
     * order. Every task here is due at {@link #now}, after every task due now in {@link #queue}
     * with a smaller sequence number.
     */
    private final ArrayDeque<Task> dueNow = new ArrayDeque<>();

    private final Random random;
    private long now;
    private long seq;
    private long executed;
    private volatile Thread runner;

    /** @param seed the seed of every random choice made in this simulation */
    public Simulation(long seed) {
        this.random = new Random(seed);
    }

    /** The simulation's random source; derive per-node sources from it in a fixed order. */
    public Random random() {
        return random;
    }

    /** A new random source derived from this simulation's seed. */
    public synchronized Random newRandom() {
        return new Random(random.nextLong());
    }

    /** Virtual nanoseconds since the start. */
    public synchronized long nanoTime() {
        return now;
    }

    /** Virtual time since the start. */
    public Duration elapsed() {
        return Duration.ofNanos(nanoTime());
    }

    /** Tasks run so far. */
    public synchronized long executedTasks() {
        return executed;
    }

    /** A strand on this clock. */
    public Scheduler newScheduler(String name) {
        return new VirtualScheduler(name);
    }

    /** Runs every task due within the next {@code d} of virtual time, then sets the clock there. */
    public void runFor(Duration d) {
        long end;
        synchronized (this) {
            end = plus(now, saturatedNanos(d));
        }
        runUntil(() -> false, end);
    }

    /**
     * Runs tasks until {@code condition} holds or {@code max} of virtual time has passed. The
     * condition is checked before the clock advances, so when it holds the clock shows the
     * time it became true.
     *
     * @return true if the condition held
     */
    public boolean runUntil(BooleanSupplier condition, Duration max) {
        long end;
        synchronized (this) {
            end = plus(now, saturatedNanos(max));
        }
        return runUntil(condition, end);
    }

    private boolean runUntil(BooleanSupplier condition, long end) {
        runner = Thread.currentThread();
        try {
            if (condition.getAsBoolean()) {
                return true;
            }
            while (true) {
                Task t;
                synchronized (this) {
                    t = next();
                    long next = t == null || t.time > end ? end : t.time;
                    if (next > now) {
                        // the clock is about to move: stop where the condition became true
                        if (condition.getAsBoolean()) {
                            return true;
                        }
                        now = next;
                    }
                    if (t == null || t.time > end) {
                        return condition.getAsBoolean();
                    }
                    if (!dueNow.isEmpty() && dueNow.peekFirst() == t) {
                        dueNow.pollFirst();
                    } else {
                        queue.poll();
                    }
                    t.done = true;
                    executed++;
                }
                try {
                    t.task.run();
                } catch (Throwable e) {
                    log.error("memberlist: simulated task of {} failed", t.owner.name, e);
                }
            }
        } finally {
            runner = null;
        }
    }

    /** The live task to run next, in (time, sequence) order, left in place; dead ones are dropped (they must not move the clock). */
    private Task next() {
        Task h = queue.peek();
        while (h != null && (h.cancelled || h.owner.stopped)) {
            queue.poll();
            h = queue.peek();
        }
        Task d = dueNow.peekFirst();
        while (d != null && (d.cancelled || d.owner.stopped)) {
            dueNow.pollFirst();
            d = dueNow.peekFirst();
        }
        if (d == null) {
            return h;
        }
        // d is due now; a task of the heap due now too goes first if it was submitted first
        return h != null && h.time == d.time && h.seq < d.seq ? h : d;
    }

    private synchronized Task add(VirtualScheduler owner, Runnable task, long delayNanos) {
        Task t = new Task(plus(now, Math.max(0, delayNanos)), seq++, task, owner);
        if (t.time == now) {
            dueNow.addLast(t);
        } else {
            queue.add(t);
        }
        return t;
    }

    /** {@code a + b} for non-negative b, stuck at {@code Long.MAX_VALUE}: "never" must not wrap to "now". */
    private static long plus(long a, long b) {
        long r = a + b;
        return r < a ? Long.MAX_VALUE : r;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException e) {
            return d.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }

    /**
     * A 4-ary min-heap of tasks by (time, sequence), the keys kept in arrays beside the tasks so
     * that ordering reads no task: a simulation of thousands of nodes holds tens of thousands of
     * pending tasks, and a packet is two heap operations.
     */
    private static final class TaskHeap {
        private Task[] tasks = new Task[64];
        private long[] times = new long[64];
        private long[] seqs = new long[64];
        private int size;

        Task peek() {
            return size == 0 ? null : tasks[0];
        }

        void add(Task t) {
            if (size == tasks.length) {
                int n = 2 * size;
                tasks = Arrays.copyOf(tasks, n);
                times = Arrays.copyOf(times, n);
                seqs = Arrays.copyOf(seqs, n);
            }
            int i = size++;
            long time = t.time;
            long seq = t.seq;
            while (i > 0) {
                int parent = (i - 1) >>> 2;
                if (!less(time, seq, times[parent], seqs[parent])) {
                    break;
                }
                move(parent, i);
                i = parent;
            }
            put(i, t);
        }

        Task poll() {
            if (size == 0) {
                return null;
            }
            Task top = tasks[0];
            int n = --size;
            Task last = tasks[n];
            tasks[n] = null;
            if (n > 0) {
                long time = last.time;
                long seq = last.seq;
                int i = 0;
                while (true) {
                    int first = 4 * i + 1;
                    if (first >= n) {
                        break;
                    }
                    int min = first;
                    int end = Math.min(first + 4, n);
                    for (int c = first + 1; c < end; c++) {
                        if (less(times[c], seqs[c], times[min], seqs[min])) {
                            min = c;
                        }
                    }
                    if (!less(times[min], seqs[min], time, seq)) {
                        break;
                    }
                    move(min, i);
                    i = min;
                }
                put(i, last);
            }
            return top;
        }

        private static boolean less(long time, long seq, long otherTime, long otherSeq) {
            return time < otherTime || (time == otherTime && seq < otherSeq);
        }

        private void move(int from, int to) {
            tasks[to] = tasks[from];
            times[to] = times[from];
            seqs[to] = seqs[from];
        }

        private void put(int i, Task t) {
            tasks[i] = t;
            times[i] = t.time;
            seqs[i] = t.seq;
        }
    }

    private static final class Task {
        final long time;
        final long seq;
        final Runnable task;
        final VirtualScheduler owner;
        volatile boolean cancelled;
        volatile boolean done;

        Task(long time, long seq, Runnable task, VirtualScheduler owner) {
            this.time = time;
            this.seq = seq;
            this.task = task;
            this.owner = owner;
        }
    }

    private final class VirtualScheduler implements Scheduler {
        final String name;
        volatile boolean stopped;

        VirtualScheduler(String name) {
            this.name = name;
        }

        @Override
        public long nanoTime() {
            return Simulation.this.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return EPOCH_MILLIS + Simulation.this.nanoTime() / 1_000_000;
        }

        @Override
        public void execute(Runnable task) {
            if (!stopped) {
                add(this, task, 0);
            }
        }

        @Override
        public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
            if (stopped) {
                return Cancellable.DONE;
            }
            Task t = add(this, task, unit.toNanos(delay));
            return () -> {
                synchronized (Simulation.this) {
                    if (t.done || t.cancelled) {
                        return false;
                    }
                    t.cancelled = true;
                    return true;
                }
            };
        }

        @Override
        public boolean inSchedulerThread() {
            return Thread.currentThread() == runner;
        }

        @Override
        public boolean isVirtual() {
            return true;
        }

        @Override
        public void shutdown() {
            stopped = true;
        }

        @Override
        public String toString() {
            return "virtual:" + name;
        }
    }
}
