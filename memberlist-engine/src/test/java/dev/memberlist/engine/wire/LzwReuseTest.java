package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Lzw} keeps its tables per thread; one call must never see what an earlier one left.
 * Compared with the writer as it was before, which built a fresh table for every call.
 */
class LzwReuseTest {

    @Test
    void reusedTablesWriteExactlyWhatFreshTablesWrite() throws DecodeException {
        Random rnd = new Random(11);
        for (int i = 0; i < 3000; i++) {
            byte[] in = input(rnd);
            byte[] expected = new FreshWriter(in.length).compress(in);
            assertThat(Lzw.compress(in))
                    .as("input %d of %d bytes", i, in.length)
                    .isEqualTo(expected);
            assertThat(Lzw.decompress(expected, 0, expected.length, Limits.MAX_DECOMPRESSED_BYTES))
                    .isEqualTo(in);
        }
    }

    @Test
    void aBadStreamLeavesNothingBehindForTheNext() throws DecodeException {
        Random rnd = new Random(5);
        byte[] good = input(rnd);
        byte[] c = Lzw.compress(good);
        byte[] garbage = new byte[300];
        for (int i = 0; i < 200; i++) {
            rnd.nextBytes(garbage);
            try {
                Lzw.decompress(garbage, 0, garbage.length, 1 << 16);
            } catch (DecodeException e) {
                // expected for most
            }
            assertThat(Lzw.decompress(c, 0, c.length, Limits.MAX_DECOMPRESSED_BYTES))
                    .isEqualTo(good);
        }
        assertThatThrownBy(() -> Lzw.decompress(c, 0, c.length - 1, Limits.MAX_DECOMPRESSED_BYTES))
                .isInstanceOf(DecodeException.class);
        assertThat(Lzw.decompress(c, 0, c.length, Limits.MAX_DECOMPRESSED_BYTES))
                .isEqualTo(good);
    }

    /** Sizes from empty to several table fills, random and repetitive, in a random order. */
    private static byte[] input(Random rnd) {
        int size =
                switch (rnd.nextInt(4)) {
                    case 0 -> rnd.nextInt(64);
                    case 1 -> rnd.nextInt(1500);
                    case 2 -> rnd.nextInt(20_000);
                    default -> rnd.nextInt(70_000);
                };
        byte[] in = new byte[size];
        int symbols = 1 + rnd.nextInt(256);
        for (int i = 0; i < size; i++) {
            in[i] = (byte) rnd.nextInt(symbols);
        }
        return in;
    }

    /** Lzw.Writer before its tables were reused: a fresh table for every call. */
    private static final class FreshWriter {
        private byte[] out;
        private int n;
        private int bits;
        private int nBits;
        private int width = LIT_WIDTH + 1;
        // hi is the code implied by the next code emission; overflow is where hi outgrows width.
        private int hi = CLEAR + 1;
        private int overflow = 1 << (LIT_WIDTH + 1);
        // Hash table from 20-bit keys (12-bit prefix code, 8-bit suffix) to codes: key<<12|code.
        private final int[] table = new int[TABLE_SIZE];

        FreshWriter(int inputLen) {
            // LZW rarely does worse than 12 bits per input byte; grow() covers the rest.
            out = new byte[(int) Math.min(16L + inputLen + inputLen / 2, 1 << 20)];
        }

        byte[] compress(byte[] p) {
            // Write
            int code;
            write(CLEAR);
            if (p.length == 0) {
                // Close with no savedCode: the clear code above is the one Close writes.
                write(EOF);
                return finish();
            }
            code = p[0] & 0xff;
            loop:
            for (int i = 1; i < p.length; i++) {
                int literal = p[i] & 0xff;
                int key = code << 8 | literal;
                // A hash table hit means this string is known: extend it, emit nothing yet.
                int hash = ((key >>> 12) ^ key) & TABLE_MASK;
                for (int h = hash, t = table[hash]; t != INVALID_ENTRY; ) {
                    if (key == t >>> 12) {
                        code = t & MAX_CODE;
                        continue loop;
                    }
                    h = (h + 1) & TABLE_MASK;
                    t = table[h];
                }
                // Otherwise emit the current code; the literal starts the next one.
                write(code);
                code = literal;
                if (incHi()) {
                    continue; // out of codes: the table was cleared
                }
                while (table[hash] != INVALID_ENTRY) {
                    hash = (hash + 1) & TABLE_MASK;
                }
                table[hash] = (key << 12) | hi;
            }
            // Close
            write(code);
            incHi();
            write(EOF);
            return finish();
        }

        /**
         * Go's incHi: bumps hi, widens codes on overflow, and when codes run out writes a clear
         * code and resets.
         *
         * @return true when it ran out of codes (Go's errOutOfCodes)
         */
        private boolean incHi() {
            hi++;
            if (hi == overflow) {
                width++;
                overflow <<= 1;
            }
            if (hi == MAX_CODE) {
                write(CLEAR);
                width = LIT_WIDTH + 1;
                hi = CLEAR + 1;
                overflow = CLEAR << 1;
                Arrays.fill(table, INVALID_ENTRY);
                return true;
            }
            return false;
        }

        /** Go's writeLSB. */
        private void write(int c) {
            bits |= c << nBits;
            nBits += width;
            while (nBits >= 8) {
                put(bits);
                bits >>>= 8;
                nBits -= 8;
            }
        }

        private byte[] finish() {
            if (nBits > 0) {
                put(bits);
            }
            return Arrays.copyOf(out, n);
        }

        private void put(int b) {
            if (n == out.length) {
                out = Arrays.copyOf(out, (int) Math.min((long) out.length * 2, Integer.MAX_VALUE - 8));
            }
            out[n++] = (byte) b;
        }
    }

    private static final int LIT_WIDTH = 8;
    private static final int CLEAR = 1 << LIT_WIDTH;
    private static final int EOF = CLEAR + 1;
    private static final int MAX_WIDTH = 12;
    private static final int MAX_CODE = (1 << MAX_WIDTH) - 1;
    private static final int TABLE_SIZE = 4 * (1 << MAX_WIDTH);
    private static final int TABLE_MASK = TABLE_SIZE - 1;
    private static final int INVALID_ENTRY = 0;
}
