package dev.memberlist.engine.scheduler;

/** A scheduled task that may still be cancelled. */
@FunctionalInterface
public interface Cancellable {
    /**
     * Cancels the task.
     *
     * @return true if the task had not run yet and now never will (Go's {@code Timer.Stop})
     */
    boolean cancel();

    /** A handle for something that never needs cancelling. */
    Cancellable DONE = () -> false;
}
