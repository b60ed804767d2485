package dev.memberlist.engine.scheduler;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A node's protocol strand and its clock: tasks run one at a time, in order, so the protocol
 * needs no locks.
 *
 * <p>Two implementations: {@link Strand} (a serial strand over the JVM's shared protocol pool,
 * the system clock) and the schedulers of a {@code Simulation}, in the memberlist-test artifact
 * (virtual time, one thread for thousands of nodes, deterministic for a given seed).
 */
public interface Scheduler extends Executor {
    /** Monotonic time in nanoseconds, for intervals and timeouts. */
    long nanoTime();

    /** Wall-clock time in milliseconds since the epoch (virtual in a simulation). */
    long currentTimeMillis();

    /** Runs the task on the strand, after the tasks already submitted. */
    @Override
    void execute(Runnable task);

    /** Runs the task on the strand after the delay. */
    Cancellable schedule(Runnable task, long delay, TimeUnit unit);

    /** True when called from a task of this strand. */
    boolean inSchedulerThread();

    /** True for virtual time, where blocking waits would never end. */
    default boolean isVirtual() {
        return false;
    }

    /** Stops running tasks; pending ones are dropped. Touches no other strand. */
    void shutdown();
}
