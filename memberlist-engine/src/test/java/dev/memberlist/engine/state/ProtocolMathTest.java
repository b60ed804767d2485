package dev.memberlist.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolMathTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    /** Go's TestSuspicionTimeout. */
    @Test
    void testSuspicionTimeout() {
        Map<Integer, Long> timeouts = Map.of(
                5, 1000 * MS,
                10, 1000 * MS,
                50, 1698 * MS,
                100, 2000 * MS,
                500, 2698 * MS,
                1000, 3000 * MS);
        timeouts.forEach((n, expected) -> assertThat(ProtocolMath.suspicionTimeout(3, n, SECOND) / 3)
                .as("n=%d", n)
                .isEqualTo(expected));
    }

    /** Go's TestRetransmitLimit. */
    @Test
    void testRetransmitLimit() {
        assertThat(ProtocolMath.retransmitLimit(3, 0)).isEqualTo(0);
        assertThat(ProtocolMath.retransmitLimit(3, 1)).isEqualTo(3);
        assertThat(ProtocolMath.retransmitLimit(3, 99)).isEqualTo(6);
    }

    /** Go's TestPushPullScale. */
    @Test
    void testPushPullScale() {
        for (int i = 0; i <= 32; i++) {
            assertThat(ProtocolMath.pushPullScale(SECOND, i)).as("n=%d", i).isEqualTo(SECOND);
        }
        for (int i = 33; i <= 64; i++) {
            assertThat(ProtocolMath.pushPullScale(SECOND, i)).as("n=%d", i).isEqualTo(2 * SECOND);
        }
        for (int i = 65; i <= 128; i++) {
            assertThat(ProtocolMath.pushPullScale(SECOND, i)).as("n=%d", i).isEqualTo(3 * SECOND);
        }
    }

    /**
     * Values printed by Go 1.19 (amd64) running util.go's functions, chosen where a naive Java
     * port could round differently: an uneven interval that Go multiplies in int64 before
     * dividing, and the reference doc's examples.
     */
    @Test
    void matchesGoOnOddInputs() {
        // suspicionTimeout(mult, n, interval) from Go
        assertThat(ProtocolMath.suspicionTimeout(3, 1000, 1_234_567_891L)).isEqualTo(11_111_111_019L);
        assertThat(ProtocolMath.suspicionTimeout(4, 100, 1_234_567_891L)).isEqualTo(9_876_543_128L);
        assertThat(ProtocolMath.suspicionTimeout(5, 0, 7)).isEqualTo(35);
        assertThat(ProtocolMath.suspicionTimeout(4, 100, SECOND)).isEqualTo(8 * SECOND);
        // retransmitMult 4: n 1-9 -> 4, 10-99 -> 8, 100-999 -> 12
        assertThat(ProtocolMath.retransmitLimit(4, 9)).isEqualTo(4);
        assertThat(ProtocolMath.retransmitLimit(4, 10)).isEqualTo(8);
        assertThat(ProtocolMath.retransmitLimit(4, 999)).isEqualTo(12);
        assertThat(ProtocolMath.retransmitLimit(4, 1000)).isEqualTo(16);
        // exact powers of two stay in the lower tier
        assertThat(ProtocolMath.pushPullScale(SECOND, 1 << 17)).isEqualTo(13 * SECOND);
        assertThat(ProtocolMath.pushPullScale(SECOND, (1 << 17) + 1)).isEqualTo(14 * SECOND);
    }

    /**
     * Go's math.Log bit patterns (from Go on amd64), where Java's Math.log differs in the last
     * bit. (The port was also checked against Go on 3.4 million inputs of all three formulas
     * and remainingSuspicionTime; these are samples.)
     */
    @Test
    void logIsGosLog() {
        long[][] goLog = {
            // x bits, Go's Log(x) bits
            {0x3ffa4dd2f1a9fbe8L, 0x3fdfd103faf503b2L}, // log(1.6440000000000001)
            {0x40065bc01a36e2ebL, 0x3ff071b50b4795b4L}, // log(2.7948)
            {0x4025b367a0f9096cL, 0x400312d8783d92aeL}, // log(10.8504)
        };
        for (long[] c : goLog) {
            double x = Double.longBitsToDouble(c[0]);
            assertThat(Double.doubleToRawLongBits(ProtocolMath.log(x)))
                    .as("log(%s)", x)
                    .isEqualTo(c[1]);
        }
        assertThat(ProtocolMath.log(0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(ProtocolMath.log(-1)).isNaN();
        assertThat(ProtocolMath.log(Double.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
        // log2, from Go (not subnormals: Go's amd64 assembly does not normalize them)
        long[][] goLogLog2 = {
            // x bits, Log(x) bits, Log2(x) bits
            {0x3fb999999999999aL, 0xc0026bb1bbb55515L, 0xc00a934f0979a371L},
        };
        for (long[] c : goLogLog2) {
            double x = Double.longBitsToDouble(c[0]);
            assertThat(Double.doubleToRawLongBits(ProtocolMath.log(x)))
                    .as("log(%s)", x)
                    .isEqualTo(c[1]);
            assertThat(Double.doubleToRawLongBits(ProtocolMath.log2(x)))
                    .as("log2(%s)", x)
                    .isEqualTo(c[2]);
        }
        assertThat(ProtocolMath.log2(1024)).isEqualTo(10.0);
        assertThat(ProtocolMath.log2(0.25)).isEqualTo(-2.0);
    }
}
