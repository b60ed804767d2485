package dev.memberlist.engine.scheduler;

import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that runs tasks and timers: the loop the strands of many nodes are pinned to. On
 * a JVM a thread's wake-up costs more than most of what the protocol does when it wakes (about
 * 50-150 µs of CPU here, against a few µs for a probe or a gossip round), so the loop is built to
 * wake rarely:
 *
 * <ul>
 *   <li>a timer fires on the loop's own thread, not on a timer thread that then wakes a worker;
 *   <li>timers are coalesced: a deadline is rounded up to the loop's resolution (system property
 *       {@code memberlist.timer-resolution-ms}, default {@value #DEFAULT_RESOLUTION_MILLIS} ms), so
 *       the timers of all the nodes on a loop that fall due within one slot share one wake-up: at
 *       most a thousand a second, however many nodes. A timer fires up to one resolution late,
 *       never early. Coarser slots save more wake-ups where few nodes share a JVM, but they also
 *       line up the gossip rounds of nodes started together, and a rumour then waits a whole
 *       round at each hop between them (measured: a broadcast took twice as long at 8 nodes with
 *       10 ms slots);
 *   <li>it parks with {@link LockSupport#parkNanos} and is unparked only when it sleeps.
 * </ul>
 *
 * <p>Timers are scheduled and cancelled by the loop's own thread without locks; from another
 * thread, scheduling goes through the task queue. A cancelled timer is dropped when it reaches
 * the head, so a cancelled head never wakes the loop.
 */
public final class ProtocolLoop implements Executor {
    private static final Logger log = LoggerFactory.getLogger(ProtocolLoop.class);

    static final long DEFAULT_RESOLUTION_MILLIS = 1;

    private final Thread thread;
    private final long resolution;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Loop thread only. */
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    /** Set while the loop parks or is about to; cleared on wake-up. */
    private volatile boolean sleeping;

    private long timerSeq;

    /**
     * @param name the thread's name
     * @param resolutionNanos timers are rounded up to multiples of this; 0 or 1 for none
     */
    ProtocolLoop(String name, long resolutionNanos) {
        this.resolution = Math.max(1, resolutionNanos);
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** True when called on this loop's thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (sleeping && !inLoop()) {
            LockSupport.unpark(thread);
        }
    }

    /** Runs {@code task} on the loop after the delay, rounded up to the resolution. Any thread. */
    public Cancellable schedule(Runnable task, long delayNanos) {
        Timer t = new Timer(task, roundUp(System.nanoTime() + Math.max(0, delayNanos)));
        if (inLoop()) {
            add(t);
        } else {
            execute(() -> add(t));
        }
        return t;
    }

    private long roundUp(long deadline) {
        if (resolution <= 1) {
            return deadline;
        }
        long r = Math.floorMod(deadline, resolution);
        return r == 0 ? deadline : deadline + (resolution - r);
    }

    private void add(Timer t) {
        t.seq = timerSeq++;
        timers.add(t);
    }

    private void run() {
        while (true) {
            try {
                runDueTimers();
                Runnable task;
                int ran = 0;
                // a bounded batch, so due timers are not starved by a stream of tasks
                while (ran < 1024 && (task = tasks.poll()) != null) {
                    runSafely(task);
                    ran++;
                }
                if (ran > 0) {
                    continue;
                }
                park();
            } catch (Throwable t) {
                log.error("memberlist: protocol loop {} failed", thread.getName(), t);
            }
        }
    }

    private void runDueTimers() {
        long now = System.nanoTime();
        Timer head;
        while ((head = timers.peek()) != null && (head.isCancelled() || head.deadline - now <= 0)) {
            timers.poll();
            if (STATE.compareAndSet(head, PENDING, FIRED)) {
                runSafely(head.task);
            }
        }
    }

    private void park() {
        sleeping = true;
        try {
            if (!tasks.isEmpty()) {
                return; // added between the poll and the flag
            }
            Timer head;
            while ((head = timers.peek()) != null && head.isCancelled()) {
                timers.poll();
            }
            if (head == null) {
                LockSupport.park(this);
            } else {
                long wait = head.deadline - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(this, wait);
                }
            }
        } finally {
            sleeping = false;
        }
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (VirtualMachineError e) {
            // not swallowed: the JVM's handler hears of it; the loop goes on for its other nodes
            Thread.UncaughtExceptionHandler h = thread.getUncaughtExceptionHandler();
            if (h != null) {
                h.uncaughtException(thread, e);
            }
        } catch (Throwable e) {
            log.error("memberlist: protocol loop task failed", e);
        }
    }

    private static final int PENDING = 0;
    private static final int FIRED = 1;
    private static final int CANCELLED = 2;
    private static final AtomicIntegerFieldUpdater<Timer> STATE =
            AtomicIntegerFieldUpdater.newUpdater(Timer.class, "state");

    /** Timers due at the same time fire in the order they were scheduled. */
    private static final class Timer implements Comparable<Timer>, Cancellable {
        final Runnable task;
        final long deadline;
        long seq;
        volatile int state;

        Timer(Runnable task, long deadline) {
            this.task = task;
            this.deadline = deadline;
        }

        boolean isCancelled() {
            return state == CANCELLED;
        }

        @Override
        public boolean cancel() {
            return STATE.compareAndSet(this, PENDING, CANCELLED);
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadline - o.deadline, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** Nanoseconds of the default resolution. */
    static long defaultResolutionNanos() {
        String v = System.getProperty("memberlist.timer-resolution-ms");
        long ms = DEFAULT_RESOLUTION_MILLIS;
        if (v != null && !v.isBlank()) {
            try {
                ms = Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "system property memberlist.timer-resolution-ms must be a whole number of ms >= 0, got '" + v
                                + "'");
            }
            if (ms < 0) {
                throw new IllegalArgumentException(
                        "system property memberlist.timer-resolution-ms must be >= 0, got " + ms);
            }
        }
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }
}
