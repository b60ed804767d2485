package dev.memberlist.engine.state;

/**
 * The scaling formulas of Go's util.go, reproduced bit for bit: the same floating-point steps,
 * the same truncations and the same int64 nanosecond arithmetic as Go's {@code time.Duration}.
 */
public final class ProtocolMath {
    /** Go's {@code pushPullScaleThreshold}: push/pull does not slow down up to this many nodes. */
    static final int PUSH_PULL_SCALE_THRESHOLD = 32;

    /** Go's {@code 1 / math.Ln10}, an exact constant expression in Go rounded once to float64. */
    private static final double INV_LN10 = 0.43429448190325182765;
    /** Go's {@code 1 / math.Ln2}. */
    private static final double INV_LN2 = 1.44269504088896340735992468100189214;

    private static final double SQRT2 = 1.41421356237309504880168872420969807856967187537694807317667974;

    private ProtocolMath() {}

    /** {@code suspicionMult * max(1, log10(max(1, n))) * interval}, the scale truncated to milliseconds as Go does. */
    public static long suspicionTimeout(int suspicionMult, int n, long intervalNanos) {
        double nodeScale = Math.max(1.0, log10(Math.max(1.0, n)));
        // Go: time.Duration(suspicionMult) * time.Duration(nodeScale*1000) * interval / 1000,
        // left to right in int64, the scale truncated toward zero
        return (long) suspicionMult * (long) (nodeScale * 1000) * intervalNanos / 1000;
    }

    /** {@code retransmitMult * ceil(log10(n + 1))}. */
    public static int retransmitLimit(int retransmitMult, int n) {
        double nodeScale = Math.ceil(log10(n + 1));
        return retransmitMult * (int) nodeScale;
    }

    /** The push-pull interval, multiplied by {@code ceil(log2(n) - log2(32)) + 1} above 32 nodes. */
    public static long pushPullScale(long intervalNanos, int n) {
        if (n <= PUSH_PULL_SCALE_THRESHOLD) {
            return intervalNanos;
        }
        double multiplier = Math.ceil(log2(n) - log2(PUSH_PULL_SCALE_THRESHOLD)) + 1.0;
        return (long) multiplier * intervalNanos;
    }

    /** Go's {@code math.Log10}: {@code Log(x) * (1/Ln10)}, which differs from Java's {@code Math.log10} in the last bit. */
    static double log10(double x) {
        return log(x) * INV_LN10;
    }

    /** Go's {@code math.Log2}: exact for powers of two, which decide where the push/pull tiers change. */
    static double log2(double x) {
        if (!(x > 0) || Double.isInfinite(x)) {
            return log(x) * INV_LN2;
        }
        int exp = frexpExp(x);
        double frac = Math.scalb(x, -exp);
        if (frac == 0.5) {
            return exp - 1;
        }
        return log(frac) * INV_LN2 + exp;
    }

    /**
     * Go's {@code math.Log} (log.go, the same steps as its amd64 assembly): Java's
     * {@code Math.log} may differ in the last bit, and a truncation to milliseconds or a
     * ceiling can turn that bit into a different timeout.
     */
    static double log(double x) {
        final double ln2Hi = 6.93147180369123816490e-01;
        final double ln2Lo = 1.90821492927058770002e-10;
        final double l1 = 6.666666666666735130e-01;
        final double l2 = 3.999999999940941908e-01;
        final double l3 = 2.857142874366239149e-01;
        final double l4 = 2.222219843214978396e-01;
        final double l5 = 1.818357216161805012e-01;
        final double l6 = 1.531383769920937332e-01;
        final double l7 = 1.479819860511658591e-01;
        if (Double.isNaN(x) || x == Double.POSITIVE_INFINITY) {
            return x;
        } else if (x < 0) {
            return Double.NaN;
        } else if (x == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        // reduce: x = f1 * 2^ki, f1 in [sqrt(2)/2, sqrt(2))
        int ki = frexpExp(x);
        double f1 = Math.scalb(x, -ki);
        if (f1 < SQRT2 / 2) {
            f1 *= 2;
            ki--;
        }
        double f = f1 - 1;
        double k = ki;
        double s = f / (2 + f);
        double s2 = s * s;
        double s4 = s2 * s2;
        double t1 = s2 * (l1 + s4 * (l3 + s4 * (l5 + s4 * l7)));
        double t2 = s4 * (l2 + s4 * (l4 + s4 * l6));
        double r = t1 + t2;
        double hfsq = 0.5 * f * f;
        return k * ln2Hi - ((hfsq - (s * (hfsq + r) + k * ln2Lo)) - f);
    }

    /** The exponent of Go's {@code Frexp}: {@code x = frac * 2^exp} with {@code frac} in {@code [0.5, 1)}. */
    private static int frexpExp(double x) {
        int e = Math.getExponent(x);
        if (e == Double.MIN_EXPONENT - 1) {
            // subnormal
            return Math.getExponent(x * 0x1p52) - 52 + 1;
        }
        return e + 1;
    }
}
