package dev.memberlist.test.simulation;

import dev.memberlist.engine.scheduler.Cancellable;
import dev.memberlist.engine.scheduler.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Virtual time for deterministic runs: every node of a simulated cluster gets a
 * {@link #newScheduler(String) scheduler} on this one clock, and {@link #runFor(Duration)}
 * executes their tasks in time order. No task ever waits for real time, so a thousand nodes for
 * an hour of protocol time run in seconds, and the same seed gives the same run.
 *
 * <p><b>Lanes.</b> A simulation of thousands of nodes is millions of packets, and one thread runs
 * them one at a time. {@link #Simulation(long, int, Duration)} splits the schedulers into lanes
 * (by name, so a node and the network's deliveries to it share one) that run side by side, on as
 * many threads as there are cores, each thread taking the next lane not yet run (more lanes than
 * threads keep them evenly busy), in windows of virtual time no longer than the {@code
 * lookahead}: the shortest delay with which a
 * task of one lane may schedule a task in another (the network's latency). Within a window the
 * lanes cannot affect each other, so they run side by side; a task sent to another lane waits in
 * its sender's outbox until the window ends, and the outboxes are merged in lane order. The run is
 * then the same for the same seed and lane count (not the same as with one lane: equal times are
 * broken by per-lane sequence numbers, and conditions are checked between windows, so a time
 * reported by {@link #runUntil} is late by less than the lookahead). With one lane, the default,
 * every task runs in (time, submission) order on the calling thread, as always.
 */
public final class Simulation {
    private static final Logger log = LoggerFactory.getLogger(Simulation.class);
    /** Virtual wall clock at time zero: a fixed instant, so runs are reproducible. */
    private static final long EPOCH_MILLIS = 1_700_000_000_000L;

    private final Lane[] lanes;
    /** Only with more than one lane: the shortest delay of a task sent to another lane. */
    private final long lookahead;

    private final Random random;
    /** The clock between windows; with one lane, the lane's clock. */
    private long now;

    private volatile Thread runner;

    /** How many threads run a window's lanes: the calling thread and {@code threads - 1} workers. */
    private final int threads;

    /** Worker threads, started on the first run with more than one lane. */
    private Thread[] workers;

    /** One window: its end, and its lanes, claimed one by one by whichever thread is free. */
    private record Window(long end, AtomicInteger next, AtomicInteger done) {}

    private volatile Window window;

    /** The lane a thread is running, for {@link #currentLane()}. */
    private final ThreadLocal<Lane> running = new ThreadLocal<>();

    static final int SPINS = Integer.getInteger("sim.spins", 20_000);

    /** @param seed the seed of every random choice made in this simulation */
    public Simulation(long seed) {
        this(seed, 1, Duration.ZERO);
    }

    /**
     * A simulation whose schedulers run in {@code lanes} lanes side by side (see the class comment).
     *
     * @param seed the seed of every random choice made in this simulation
     * @param lanes how many lanes, at least one; more than the cores only costs
     * @param lookahead the shortest delay with which a task may schedule one in another lane: a
     *     shorter one fails ({@link IllegalStateException})
     */
    public Simulation(long seed, int lanes, Duration lookahead) {
        this(seed, lanes, lookahead, Runtime.getRuntime().availableProcessors());
    }

    /** {@link #Simulation(long, int, Duration)} on at most {@code threads} threads, for tests. */
    Simulation(long seed, int lanes, Duration lookahead, int threads) {
        if (lanes < 1) {
            throw new IllegalArgumentException("at least one lane");
        }
        if (lanes > 1 && (lookahead.isNegative() || lookahead.isZero())) {
            throw new IllegalArgumentException("lanes need a positive lookahead");
        }
        this.random = new Random(seed);
        this.lanes = new Lane[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = new Lane(i);
        }
        this.lookahead = lookahead.toNanos();
        this.threads = Math.max(1, Math.min(lanes, threads));
    }

    /** The simulation's random source; derive per-node sources from it in a fixed order. */
    public Random random() {
        return random;
    }

    /** A new random source derived from this simulation's seed. */
    public synchronized Random newRandom() {
        return new Random(random.nextLong());
    }

    /** Virtual nanoseconds since the start: in a lane's task, that lane's clock. */
    public long nanoTime() {
        Lane l = currentLane();
        if (l != null) {
            return l.now;
        }
        synchronized (this) {
            return lanes.length == 1 ? lanes[0].now : now;
        }
    }

    /** Virtual time since the start. */
    public Duration elapsed() {
        return Duration.ofNanos(nanoTime());
    }

    /** Tasks run so far. */
    public synchronized long executedTasks() {
        long n = 0;
        for (Lane l : lanes) {
            n += l.executed;
        }
        return n;
    }

    /** How many lanes run side by side. */
    public int lanes() {
        return lanes.length;
    }

    /** A strand on this clock; schedulers of the same name share a lane. */
    public Scheduler newScheduler(String name) {
        return new VirtualScheduler(name, lanes[Math.floorMod(name.hashCode(), lanes.length)]);
    }

    /** Runs every task due within the next {@code d} of virtual time, then sets the clock there. */
    public void runFor(Duration d) {
        long end = plus(nanoTime(), saturatedNanos(d));
        runUntil(() -> false, end);
    }

    /**
     * Runs tasks until {@code condition} holds or {@code max} of virtual time has passed. The
     * condition is checked before the clock advances (with lanes, between windows), so when it
     * holds the clock shows the time it became true.
     *
     * @return true if the condition held
     */
    public boolean runUntil(BooleanSupplier condition, Duration max) {
        long end = plus(nanoTime(), saturatedNanos(max));
        return runUntil(condition, end);
    }

    private boolean runUntil(BooleanSupplier condition, long end) {
        runner = Thread.currentThread();
        try {
            return lanes.length == 1 ? runOneLane(condition, end) : runLanes(condition, end);
        } finally {
            runner = null;
        }
    }

    private boolean runOneLane(BooleanSupplier condition, long end) {
        Lane lane = lanes[0];
        if (condition.getAsBoolean()) {
            return true;
        }
        while (true) {
            Task t;
            synchronized (this) {
                t = lane.next();
                long next = t == null || t.time > end ? end : t.time;
                if (next > lane.now) {
                    // the clock is about to move: stop where the condition became true
                    if (condition.getAsBoolean()) {
                        return true;
                    }
                    lane.now = next;
                }
                if (t == null || t.time > end) {
                    return condition.getAsBoolean();
                }
                lane.take(t);
            }
            run(t);
        }
    }

    private static void run(Task t) {
        try {
            t.task.run();
        } catch (Throwable e) {
            log.error("memberlist: simulated task of {} failed", t.owner.name, e);
        }
    }

    private boolean runLanes(BooleanSupplier condition, long end) {
        startWorkers();
        if (condition.getAsBoolean()) {
            return true;
        }
        while (true) {
            long next = Long.MAX_VALUE;
            for (Lane l : lanes) {
                Task t = l.next();
                if (t != null && t.time < next) {
                    next = t.time;
                }
            }
            if (next > end) {
                if (end > now && condition.getAsBoolean()) {
                    return true;
                }
                setClock(Math.max(now, end));
                return condition.getAsBoolean();
            }
            if (next > now) {
                if (condition.getAsBoolean()) {
                    return true;
                }
                setClock(next);
            }
            // every task due before the window's end, in all lanes at once; end itself is in
            long last = plus(end, 1);
            runWindow(Math.min(plus(next, lookahead), last));
            long reached = now;
            for (Lane l : lanes) {
                reached = Math.max(reached, l.now);
            }
            for (Lane l : lanes) {
                l.flushOutbox();
            }
            setClock(reached);
        }
    }

    private synchronized void setClock(long t) {
        now = t;
        for (Lane l : lanes) {
            l.now = t;
        }
    }

    /**
     * Runs every lane up to (excluding) {@code until}, on this thread and the workers: each takes
     * the next lane not yet taken, so a lane with more to do does not hold up the others.
     */
    private void runWindow(long until) {
        Window w = new Window(until, new AtomicInteger(), new AtomicInteger());
        window = w;
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
        runLanes(w);
        for (int spins = 0; w.done.get() < lanes.length; spins++) {
            if (spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private void runLanes(Window w) {
        Thread self = Thread.currentThread();
        for (int i; (i = w.next.getAndIncrement()) < lanes.length; ) {
            lanes[i].runTo(w.end, self);
            w.done.incrementAndGet();
        }
    }

    private synchronized void startWorkers() {
        if (workers != null) {
            return;
        }
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::work, "simulation-worker-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** A worker: each new window, runs lanes until none is left. */
    private void work() {
        Window seen = null;
        while (true) {
            Window w;
            for (int spins = 0; (w = window) == seen; spins++) {
                if (spins < SPINS) {
                    Thread.onSpinWait();
                } else if (spins < 2 * SPINS) {
                    Thread.yield();
                } else {
                    // every window unparks the workers: an idle simulation costs nothing
                    LockSupport.park(this);
                }
            }
            seen = w;
            runLanes(w);
        }
    }

    /** The lane whose window runs on this thread, or null: asked on every submission and clock read. */
    private Lane currentLane() {
        return lanes.length == 1 ? null : running.get();
    }

    private Task add(VirtualScheduler owner, Runnable task, long delayNanos) {
        long delay = Math.max(0, delayNanos);
        Lane target = owner.lane;
        Lane current = currentLane();
        if (current != null && current != target) {
            if (delay < lookahead) {
                throw new IllegalStateException("a task for " + owner.name + " in another lane, due in " + delay
                        + " ns, sooner than the lookahead of " + lookahead + " ns");
            }
            Task t = new Task(plus(current.now, delay), task, owner);
            current.outbox.add(t);
            return t;
        }
        synchronized (lanes.length == 1 ? this : target) {
            Task t = new Task(plus(target.now, delay), task, owner);
            target.enqueue(t);
            return t;
        }
    }

    /** One lane: its tasks in (time, sequence) order, its clock, and what it sent to other lanes. */
    private final class Lane {
        final int index;
        /** Tasks due later than now, by time then submission. */
        final TaskHeap queue = new TaskHeap();
        /**
         * Tasks due now, in submission order: nearly half of all tasks (a strand's hand-offs, the
         * delegate queue) run at the instant they are submitted, and a queue costs them nothing to
         * order. Every task here is due at {@link #now}, after every task due now in {@link #queue}
         * with a smaller sequence number.
         */
        final ArrayDeque<Task> dueNow = new ArrayDeque<>();

        /** Tasks for other lanes sent in the current window, in order. */
        final ArrayList<Task> outbox = new ArrayList<>();

        long now;
        long seq;
        long executed;
        /** The thread running this lane's window, null between windows. */
        volatile Thread thread;

        Lane(int index) {
            this.index = index;
        }

        void enqueue(Task t) {
            t.seq = seq++;
            if (t.time == now) {
                dueNow.addLast(t);
            } else {
                queue.add(t);
            }
        }

        /** The live task to run next, in (time, sequence) order, left in place; dead ones are dropped (they must not move the clock). */
        Task next() {
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

        /** Takes {@code t}, the task {@link #next} returned, off the queue, as run. */
        void take(Task t) {
            if (!dueNow.isEmpty() && dueNow.peekFirst() == t) {
                dueNow.pollFirst();
            } else {
                queue.poll();
            }
            t.done = true;
            executed++;
        }

        /** Runs this lane's tasks due before {@code until}, on the calling thread. */
        void runTo(long until, Thread on) {
            thread = on;
            running.set(this);
            try {
                while (true) {
                    Task t;
                    synchronized (this) {
                        t = next();
                        if (t == null || t.time >= until) {
                            return;
                        }
                        now = t.time;
                        take(t);
                    }
                    run(t);
                }
            } finally {
                thread = null;
                running.remove();
            }
        }

        /** Hands this window's tasks for other lanes to them. Between windows. */
        void flushOutbox() {
            for (Task t : outbox) {
                Lane target = t.owner.lane;
                synchronized (target) {
                    target.enqueue(t);
                }
            }
            outbox.clear();
        }
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
        /** Set when it enters its lane's queue. */
        long seq;

        /** Null once cancelled: a cancelled task waits in the heap until its time, and must not hold what its lambda holds (a stream deadline holds the stream's whole message). */
        Runnable task;

        final VirtualScheduler owner;
        volatile boolean cancelled;
        volatile boolean done;

        Task(long time, Runnable task, VirtualScheduler owner) {
            this.time = time;
            this.task = task;
            this.owner = owner;
        }
    }

    private final class VirtualScheduler implements Scheduler {
        final String name;
        final Lane lane;
        volatile boolean stopped;

        VirtualScheduler(String name, Lane lane) {
            this.name = name;
            this.lane = lane;
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
                synchronized (lanes.length == 1 ? Simulation.this : lane) {
                    if (t.done || t.cancelled) {
                        return false;
                    }
                    t.cancelled = true;
                    t.task = null;
                    return true;
                }
            };
        }

        @Override
        public boolean inSchedulerThread() {
            Thread t = Thread.currentThread();
            return lanes.length == 1 ? t == runner : t == lane.thread || (lane.thread == null && t == runner);
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
