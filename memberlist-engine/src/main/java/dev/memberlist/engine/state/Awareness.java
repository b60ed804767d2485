package dev.memberlist.engine.state;

import dev.memberlist.engine.metrics.Metrics;

/**
 * Lifeguard's local health awareness (Go's awareness.go): a score in {@code [0, max - 1]}
 * that rises when this node seems to be the slow one and scales its probe interval.
 */
public final class Awareness {
    /**
     * @param max Go's {@code AwarenessMaxMultiplier}
     * @param metrics receives {@code memberlist.health.score} when the score changes
     */
    public Awareness(int max, Metrics metrics) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Adds to the score, clamped to {@code [0, max - 1]}. */
    public void applyDelta(int delta) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The score: 0 is healthy. */
    public int getHealthScore() {
        throw new UnsupportedOperationException("TODO");
    }

    /** {@code timeout * (score + 1)}. */
    public long scaleTimeout(long timeoutNanos) {
        throw new UnsupportedOperationException("TODO");
    }
}
