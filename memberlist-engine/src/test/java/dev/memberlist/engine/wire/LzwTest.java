package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LzwTest {
    private static final int MAX = Limits.MAX_DECOMPRESSED_BYTES;

    private static byte[] roundTrip(byte[] in) throws DecodeException {
        byte[] c = Lzw.compress(in);
        byte[] out = Lzw.decompress(c, 0, c.length, MAX);
        assertThat(out).isEqualTo(in);
        return c;
    }

    @Test
    void randomDataUpTo200k() throws DecodeException {
        Random rnd = new Random(42);
        for (int size : new int[] {0, 1, 2, 3, 15, 16, 255, 256, 257, 1000, 4095, 4096, 4097, 65536, 200_000}) {
            byte[] in = new byte[size];
            rnd.nextBytes(in);
            roundTrip(in);
        }
    }

    @Test
    void fillsTheTableManyTimes() throws DecodeException {
        Random rnd = new Random(7);
        // Random bytes add a code per ~1 byte: ~3800 codes fill the table, so this clears it ~50 times.
        byte[] noisy = new byte[200_000];
        rnd.nextBytes(noisy);
        assertThat(clearCodes(roundTrip(noisy))).isGreaterThan(40);
        // Few symbols: long strings, fewer clears, deep prefix chains.
        byte[] fewSymbols = new byte[300_000];
        for (int i = 0; i < fewSymbols.length; i++) {
            fewSymbols[i] = (byte) ('a' + rnd.nextInt(3));
        }
        assertThat(clearCodes(roundTrip(fewSymbols))).isGreaterThan(3);
        // One repeated byte exercises the code == hi (KwKwK) case on every code.
        byte[] same = new byte[2_000_000];
        Arrays.fill(same, (byte) 'x');
        roundTrip(same);
        // Text-like data.
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 150_000) {
            sb.append("node-")
                    .append(rnd.nextInt(5000))
                    .append(" alive incarnation ")
                    .append(rnd.nextInt(9));
        }
        roundTrip(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void startsWithClearAndEndsWithEof() {
        byte[] c = Lzw.compress("hello hello hello".getBytes(StandardCharsets.UTF_8));
        assertThat((c[0] & 0xff) | (c[1] & 1) << 8).isEqualTo(256);
        assertThat(Lzw.compress(new byte[0])).containsExactly(0x00, 0x03, 0x02);
    }

    @Test
    void acceptsAStreamWithoutTheInitialClear() throws DecodeException {
        byte[] in = "TOBEORNOTTOBEORTOBEORNOT#".repeat(50).getBytes(StandardCharsets.US_ASCII);
        byte[] c = Lzw.compress(in);
        byte[] noClear = dropBits(c, 9);
        assertThat(Lzw.decompress(noClear, 0, noClear.length, MAX)).isEqualTo(in);
    }

    @Test
    void enforcesMaxOut() throws DecodeException {
        byte[] in = new byte[10_000];
        byte[] c = Lzw.compress(in);
        assertThat(Lzw.decompress(c, 0, c.length, 10_000)).isEqualTo(in);
        assertThatThrownBy(() -> Lzw.decompress(c, 0, c.length, 9_999))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> Lzw.decompress(c, 0, c.length, 0)).isInstanceOf(DecodeException.class);
    }

    @Test
    void rejectsInvalidCodesAndMissingEof() {
        // clear, then 300 while hi is 257.
        byte[] invalid = codes9(256, 300, 257);
        assertThatThrownBy(() -> Lzw.decompress(invalid, 0, invalid.length, MAX))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("invalid code");
        // clear, 'a', then 259 while hi is 258.
        byte[] ahead = codes9(256, 'a', 259, 257);
        assertThatThrownBy(() -> Lzw.decompress(ahead, 0, ahead.length, MAX)).isInstanceOf(DecodeException.class);
        byte[] c = Lzw.compress("some text to compress, some text".getBytes(StandardCharsets.UTF_8));
        for (int len = 0; len < c.length - 1; len++) {
            int n = len;
            assertThatThrownBy(() -> Lzw.decompress(c, 0, n, MAX))
                    .as("prefix %d", n)
                    .isInstanceOf(DecodeException.class);
        }
    }

    @Test
    void ignoresBytesAfterEofAndHonoursOffsets() throws DecodeException {
        byte[] in = "abcabcabcabc".getBytes(StandardCharsets.US_ASCII);
        byte[] c = Lzw.compress(in);
        byte[] padded = new byte[c.length + 20];
        Arrays.fill(padded, (byte) 0x5a);
        System.arraycopy(c, 0, padded, 7, c.length);
        assertThat(Lzw.decompress(padded, 7, c.length + 13, MAX)).isEqualTo(in);
        // code == hi right after a literal: "aaa" is 'a', 258.
        byte[] kwkwk = codes9(256, 'a', 258, 257);
        assertThat(Lzw.decompress(kwkwk, 0, kwkwk.length, MAX)).containsExactly('a', 'a', 'a');
    }

    @Test
    void garbageNeverHangsOrThrowsAnythingElse() {
        Random rnd = new Random(1234);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 3000; i++) {
                byte[] b = new byte[rnd.nextInt(600)];
                rnd.nextBytes(b);
                if (b.length > 0 && rnd.nextBoolean()) {
                    b[0] = 0; // often start with a clear code
                    b[1 % b.length] |= 1;
                }
                try {
                    byte[] out = Lzw.decompress(b, 0, b.length, 1 << 20);
                    assertThat(out.length).isLessThanOrEqualTo(1 << 20);
                } catch (DecodeException expected) {
                    // fine
                }
            }
        });
    }

    @Test
    void reasonablyFast() {
        byte[] in = new byte[4 << 20];
        new Random(3).nextBytes(in);
        for (int i = 0; i < in.length; i += 2) {
            in[i] = (byte) (in[i] & 0x0f);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            byte[] c = Lzw.compress(in);
            assertThat(Lzw.decompress(c, 0, c.length, MAX)).isEqualTo(in);
        });
    }

    /** Counts clear codes by decoding the code stream (widths follow the writer's rules). */
    private static int clearCodes(byte[] c) {
        int clears = 0;
        int bits = 0;
        int nBits = 0;
        int width = 9;
        int hi = 257;
        int pos = 0;
        while (true) {
            while (nBits < width) {
                bits |= (c[pos++] & 0xff) << nBits;
                nBits += 8;
            }
            int code = bits & ((1 << width) - 1);
            bits >>>= width;
            nBits -= width;
            if (code == 256) {
                clears++;
                width = 9;
                hi = 257;
                continue;
            }
            if (code == 257) {
                return clears;
            }
            hi++;
            if (hi >= 1 << width) {
                if (width == 12) {
                    hi--;
                } else {
                    width++;
                }
            }
        }
    }

    /** Packs 9-bit codes LSB first. */
    private static byte[] codes9(int... codes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int bits = 0;
        int nBits = 0;
        for (int code : codes) {
            bits |= code << nBits;
            nBits += 9;
            while (nBits >= 8) {
                out.write(bits & 0xff);
                bits >>>= 8;
                nBits -= 8;
            }
        }
        if (nBits > 0) {
            out.write(bits & 0xff);
        }
        return out.toByteArray();
    }

    /** The LSB-first bit stream without its first {@code n} bits. */
    private static byte[] dropBits(byte[] b, int n) {
        int totalBits = b.length * 8 - n;
        byte[] out = new byte[(totalBits + 7) / 8];
        for (int i = 0; i < totalBits; i++) {
            int src = i + n;
            if ((b[src / 8] >> (src % 8) & 1) != 0) {
                out[i / 8] |= (byte) (1 << (i % 8));
            }
        }
        return out;
    }
}
