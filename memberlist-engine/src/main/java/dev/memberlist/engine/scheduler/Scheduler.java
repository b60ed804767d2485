package dev.memberlist.engine.scheduler;

import java.util.concurrent.TimeUnit;

/**
 * The single protocol thread of one node, and its clock. Every state change of a node runs
 * through its scheduler, so the protocol needs no locks; I/O threads only decode and hand off.
 *
 * <p>Two implementations: {@link ExecutorScheduler} (a real thread, the system clock) and the
 * schedulers of a {@link Simulation} (virtual time, one thread for thousands of nodes,
 * deterministic for a given seed).
 */
public interface Scheduler {
    /** Monotonic time in nanoseconds, for intervals and timeouts. */
    long nanoTime();

    /** Wall-clock time in milliseconds since the epoch (virtual in a simulation). */
    long currentTimeMillis();

    /** Runs the task on the protocol thread, after the tasks already submitted. */
    void execute(Runnable task);

    /** Runs the task on the protocol thread after the delay. */
    Cancellable schedule(Runnable task, long delay, TimeUnit unit);

    /** True when called from this scheduler's protocol thread. */
    boolean inSchedulerThread();

    /** True for virtual time, where blocking waits would never end. */
    default boolean isVirtual() {
        return false;
    }

    /** Stops running tasks; pending ones are dropped. */
    void shutdown();
}
