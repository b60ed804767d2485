package dev.memberlist.engine.state;

/** The scaling formulas of Go's util.go. */
public final class ProtocolMath {
    private ProtocolMath() {}

    /** {@code suspicionMult * max(1, log10(max(1, n))) * interval}, the scale truncated to milliseconds as Go does. */
    public static long suspicionTimeout(int suspicionMult, int n, long intervalNanos) {
        throw new UnsupportedOperationException("TODO");
    }

    /** {@code retransmitMult * ceil(log10(n + 1))}. */
    public static int retransmitLimit(int retransmitMult, int n) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The push-pull interval, multiplied by {@code ceil(log2(n) - log2(32)) + 1} above 32 nodes. */
    public static long pushPullScale(long intervalNanos, int n) {
        throw new UnsupportedOperationException("TODO");
    }
}
