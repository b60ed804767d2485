package dev.memberlist.engine.state;

import dev.memberlist.engine.scheduler.Scheduler;
import java.util.function.IntConsumer;

/**
 * Lifeguard's dynamic suspicion (Go's suspicion.go): a timer that starts at {@code max} and
 * shrinks toward {@code min} as independent confirmations arrive, reaching {@code min} at
 * {@code k} confirmations. Used only on the protocol thread.
 */
public final class Suspicion {
    /**
     * Starts the timer: at {@code max} when {@code k >= 1}, else at {@code min}.
     *
     * @param from the accuser, counted as already confirmed
     * @param k confirmations expected
     * @param timeoutFn called on the scheduler with the number of confirmations when the timer fires
     */
    public Suspicion(String from, int k, long minNanos, long maxNanos, IntConsumer timeoutFn, Scheduler scheduler) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Counts a confirmation from a new accuser and shortens the timer.
     *
     * @return true when this was new information (then the suspect message is re-gossiped)
     */
    public boolean confirm(String from) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Stops the timer. */
    public void cancel() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Go's {@code remainingSuspicionTime}: the timeout for {@code n} of {@code k} confirmations, minus elapsed. */
    public static long remainingSuspicionTime(int n, int k, long elapsedNanos, long minNanos, long maxNanos) {
        throw new UnsupportedOperationException("TODO");
    }
}
