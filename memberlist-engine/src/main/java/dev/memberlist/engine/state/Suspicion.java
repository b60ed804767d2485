package dev.memberlist.engine.state;

import dev.memberlist.engine.scheduler.Cancellable;
import dev.memberlist.engine.scheduler.Scheduler;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Lifeguard's dynamic suspicion (Go's suspicion.go): a timer that starts at {@code max} and
 * shrinks toward {@code min} as independent confirmations arrive, reaching {@code min} at
 * {@code k} confirmations. Used only on the node's strand.
 */
public final class Suspicion {
    private static final long SECOND = 1_000_000_000L;
    private static final long MILLISECOND = 1_000_000L;

    /** Independent confirmations seen, not counting the accuser. */
    private int n;
    /** Confirmations that drive the timer down to {@code min}. */
    private final int k;

    private final long min;
    private final long max;
    private final long start;
    private final Scheduler scheduler;
    private final Runnable timeoutFn;
    /** Who confirmed already, the accuser included, so nobody counts twice. */
    private final Set<String> confirmations = new HashSet<>();

    private Cancellable timer;
    private boolean cancelled;

    /**
     * Starts the timer: at {@code max} when {@code k >= 1}, else at {@code min}.
     *
     * @param from the accuser, counted as already confirmed
     * @param k confirmations expected
     * @param timeoutFn called on the scheduler with the number of confirmations when the timer fires
     */
    public Suspicion(String from, int k, long minNanos, long maxNanos, IntConsumer timeoutFn, Scheduler scheduler) {
        this.k = k;
        this.min = minNanos;
        this.max = maxNanos;
        this.scheduler = scheduler;
        // our own suspicion may be gossiped back to us: it is not a confirmation
        confirmations.add(from);
        // n is read when the timer fires, for telemetry, as Go does
        this.timeoutFn = () -> {
            if (!cancelled) {
                timeoutFn.accept(n);
            }
        };
        long timeout = k < 1 ? minNanos : maxNanos;
        this.timer = scheduler.schedule(this.timeoutFn, timeout, TimeUnit.NANOSECONDS);
        // taken after starting the timer, so any delay between the two errs on the longer side
        this.start = scheduler.nanoTime();
    }

    /**
     * Counts a confirmation from a new accuser and shortens the timer.
     *
     * @return true when this was new information (then the suspect message is re-gossiped)
     */
    public boolean confirm(String from) {
        if (n >= k) {
            return false;
        }
        if (!confirmations.add(from)) {
            return false;
        }
        n++;
        long elapsed = scheduler.nanoTime() - start;
        long remaining = remainingSuspicionTime(n, k, elapsed, min, max);
        // a timer that could not be stopped has fired (or was cancelled): leave it be
        if (timer.cancel()) {
            if (remaining > 0) {
                timer = scheduler.schedule(timeoutFn, remaining, TimeUnit.NANOSECONDS);
            } else {
                scheduler.execute(timeoutFn);
            }
        }
        return true;
    }

    /** Stops the timer; the timeout function will not be called any more. */
    public void cancel() {
        cancelled = true;
        timer.cancel();
    }

    /** Go's {@code remainingSuspicionTime}: the timeout for {@code n} of {@code k} confirmations, minus elapsed. */
    public static long remainingSuspicionTime(int n, int k, long elapsedNanos, long minNanos, long maxNanos) {
        // Go's math.Log, not Java's: the result is floored to milliseconds
        double frac = ProtocolMath.log(n + 1.0) / ProtocolMath.log(k + 1.0);
        double raw = seconds(maxNanos) - frac * (seconds(maxNanos) - seconds(minNanos));
        // Go: time.Duration(math.Floor(1000.0*raw)) * time.Millisecond
        long timeout = (long) Math.floor(1000.0 * raw) * MILLISECOND;
        if (timeout < minNanos) {
            timeout = minNanos;
        }
        return timeout - elapsedNanos;
    }

    /** Go's {@code Duration.Seconds()}, step by step, so the float rounding is the same. */
    private static double seconds(long d) {
        long sec = d / SECOND;
        long nsec = d % SECOND;
        return (double) sec + (double) nsec / 1e9;
    }
}
