package dev.memberlist.engine.scheduler;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serial strand (an actor) over a shared pool: its tasks run one at a time, in submission
 * order, each seeing everything the ones before it did. A node's protocol is one strand, so it
 * needs no locks, and a JVM holds thousands of nodes on as many threads as it has cores. By
 * default a strand is pinned to one of the JVM's protocol loops ({@link SharedExecutors#protocolLoop()})
 * and its timers fire on that loop's thread, so a timer costs one wake-up, shared with every
 * other timer of that loop due at the same time.
 *
 * <p>A strand runs at most {@value #BATCH} tasks before it yields its thread to other strands. A
 * task that throws is logged and counted; the strand goes on. An {@link Error} that is a
 * {@link VirtualMachineError} (out of memory, say) is rethrown after the strand is left in a
 * state where it keeps running, since swallowing it would hide a dying JVM.
 *
 * <p>{@link #shutdown()} drops the tasks not yet started and refuses new ones; it touches no other
 * strand and neither shared thread.
 */
public final class Strand implements Scheduler {
    private static final Logger log = LoggerFactory.getLogger(Strand.class);

    /** Tasks run before yielding the pool thread to other strands. */
    static final int BATCH = 64;

    /** A batch busy longer than this is logged: something blocked the strand. */
    private static final long SLOW_BATCH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final int IDLE = 0;
    private static final int SCHEDULED = 1;

    private final String name;
    private final Executor pool;
    private final Timers timers;
    private final Queue<Runnable> mailbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final LongAdder failures = new LongAdder();
    private final Runnable drain = this::drain;
    private volatile Thread runner;
    private volatile boolean stopped;

    /** Where a strand's timers wait before they are handed to it. */
    @FunctionalInterface
    private interface Timers {
        Cancellable schedule(Runnable task, long delayNanos);
    }

    /** A strand pinned to one of the JVM's shared protocol loops, with its timers there too. */
    public Strand(String name) {
        this(name, SharedExecutors.protocolLoop());
    }

    /** A strand pinned to a loop: its tasks and its timers run on that loop's thread. */
    public Strand(String name, ProtocolLoop loop) {
        this.name = name;
        this.pool = loop;
        this.timers = loop::schedule;
    }

    /**
     * A strand on the given pool and timer.
     *
     * @param name for logs
     * @param pool runs the strand's batches
     * @param timer waits for its scheduled tasks, then hands them to the strand; may be null for a
     *     strand that schedules nothing
     */
    public Strand(String name, Executor pool, ScheduledExecutorService timer) {
        this.name = name;
        this.pool = pool;
        this.timers = timer == null
                ? (task, delay) -> Cancellable.DONE
                : (task, delay) -> {
                    ScheduledFuture<?> f = timer.schedule(task, delay, TimeUnit.NANOSECONDS);
                    return () -> f.cancel(false);
                };
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public void execute(Runnable task) {
        if (stopped) {
            return;
        }
        mailbox.add(task);
        if (state.get() == IDLE && state.compareAndSet(IDLE, SCHEDULED)) {
            submit();
        }
    }

    private void submit() {
        try {
            pool.execute(drain);
        } catch (RejectedExecutionException e) {
            // a shared pool is never shut down; a private one may be, and then nothing runs any more
            state.set(IDLE);
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        if (stopped) {
            return Cancellable.DONE;
        }
        TimerTask t = new TimerTask(task);
        try {
            t.handle = timers.schedule(t, Math.max(0, unit.toNanos(delay)));
        } catch (RejectedExecutionException e) {
            return Cancellable.DONE;
        }
        return t;
    }

    @Override
    public boolean inSchedulerThread() {
        return runner == Thread.currentThread();
    }

    @Override
    public void shutdown() {
        stopped = true;
        mailbox.clear();
    }

    /** True once {@link #shutdown()} was called. */
    public boolean isShutdown() {
        return stopped;
    }

    /** Tasks that threw so far. */
    public long failures() {
        return failures.sum();
    }

    /** Tasks waiting to run. */
    public int pending() {
        return mailbox.size();
    }

    private void drain() {
        runner = Thread.currentThread();
        long start = System.nanoTime();
        Error fatal = null;
        try {
            for (int i = 0; i < BATCH && !stopped; i++) {
                Runnable task = mailbox.poll();
                if (task == null) {
                    break;
                }
                try {
                    task.run();
                } catch (VirtualMachineError e) {
                    fatal = e;
                    break;
                } catch (Throwable e) {
                    failures.increment();
                    log.error("memberlist: {}: protocol task failed", name, e);
                }
            }
        } finally {
            runner = null;
            long took = System.nanoTime() - start;
            if (took > SLOW_BATCH_NANOS) {
                log.warn(
                        "memberlist: {}: protocol strand was busy for {} ms at once; something it called blocked"
                                + " (an AliveDelegate, MergeDelegate or getBroadcasts?). Acks are not delayed by this,"
                                + " but probes and gossip are.",
                        name,
                        took / 1_000_000);
            }
            if (stopped) {
                mailbox.clear();
                state.set(IDLE);
            } else if (!mailbox.isEmpty()) {
                submit(); // stays SCHEDULED: more to do, after other strands had their turn
            } else {
                state.set(IDLE);
                // a task added between the last poll and the set must not be stranded
                if (!mailbox.isEmpty() && state.compareAndSet(IDLE, SCHEDULED)) {
                    submit();
                }
            }
        }
        if (fatal != null) {
            throw fatal;
        }
    }

    @Override
    public String toString() {
        return "strand:" + name;
    }

    /**
     * A scheduled task: the timer thread hands it to the strand, which runs it unless it was
     * cancelled first. Cancelling works until the task starts, even when the timer already fired
     * (Go's {@code Timer.Stop} returns false only once the function started).
     */
    private final class TimerTask implements Runnable, Cancellable {
        private static final int PENDING = 0;
        private static final int CANCELLED = 1;
        private static final int STARTED = 2;

        private final Runnable task;
        private final AtomicInteger taskState = new AtomicInteger(PENDING);
        volatile Cancellable handle = Cancellable.DONE;
        /** Set by the timer thread, read by the strand after the hand-off. */
        private boolean fired;

        TimerTask(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (!fired) {
                fired = true;
                if (taskState.get() == PENDING) {
                    execute(this);
                }
                return;
            }
            if (taskState.compareAndSet(PENDING, STARTED)) {
                task.run();
            }
        }

        @Override
        public boolean cancel() {
            if (!taskState.compareAndSet(PENDING, CANCELLED)) {
                return false;
            }
            // a cancelled timer of a loop is dropped at its turn without waking the loop
            handle.cancel();
            return true;
        }
    }
}
