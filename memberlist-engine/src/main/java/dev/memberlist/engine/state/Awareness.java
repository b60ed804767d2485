package dev.memberlist.engine.state;

import dev.memberlist.engine.metrics.Metrics;

/**
 * Lifeguard's local health awareness (Go's awareness.go): a score in {@code [0, max - 1]}
 * that rises when this node seems to be the slow one and scales its probe interval.
 *
 * <p>Changed only on the node's strand; the score is volatile so that any thread may read it
 * (Go guards it with a lock for the same reason).
 */
public final class Awareness {
    private final int max;
    private final Metrics metrics;
    private volatile int score;

    /**
     * @param max Go's {@code AwarenessMaxMultiplier}
     * @param metrics receives {@code memberlist.health.score} when the score changes
     */
    public Awareness(int max, Metrics metrics) {
        this.max = max;
        this.metrics = metrics;
    }

    /** Adds to the score, clamped to {@code [0, max - 1]}. */
    public void applyDelta(int delta) {
        int initial = score;
        // long: a huge delta must clamp, not overflow
        long next = (long) initial + delta;
        int fin;
        if (next < 0) {
            fin = 0;
        } else if (next > max - 1) {
            fin = max - 1;
        } else {
            fin = (int) next;
        }
        score = fin;
        if (initial != fin) {
            metrics.setGauge("memberlist.health.score", fin);
        }
    }

    /** The score: 0 is healthy. */
    public int getHealthScore() {
        return score;
    }

    /** {@code timeout * (score + 1)}. */
    public long scaleTimeout(long timeoutNanos) {
        return timeoutNanos * (score + 1);
    }
}
