package dev.memberlist.engine.broadcast;

import java.util.List;
import java.util.function.IntSupplier;

/**
 * Broadcasts waiting to be piggybacked, each sent at most
 * {@code retransmitMult * ceil(log10(n + 1))} times (Go's {@code TransmitLimitedQueue}).
 * Fewest transmits go first, then the longest message, then the newest. Thread-safe:
 * applications use their own queues from any thread.
 */
public final class TransmitLimitedQueue {
    /**
     * @param numNodes the current cluster size estimate
     * @param retransmitMult the retransmit multiplier
     */
    public TransmitLimitedQueue(IntSupplier numNodes, int retransmitMult) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Queues a broadcast, invalidating what it replaces. */
    public void queueBroadcast(Broadcast b) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Broadcasts that fit in {@code limit} bytes, counting {@code overhead} bytes for each.
     * Each returned broadcast counts one more transmit.
     */
    public List<byte[]> getBroadcasts(int overhead, int limit) {
        throw new UnsupportedOperationException("TODO");
    }

    /** How many broadcasts are queued. */
    public int numQueued() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Drops everything, calling {@link Broadcast#finished()} on each. */
    public void reset() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Keeps at most {@code maxRetain} broadcasts, dropping the most transmitted (then oldest) first. */
    public void prune(int maxRetain) {
        throw new UnsupportedOperationException("TODO");
    }
}
