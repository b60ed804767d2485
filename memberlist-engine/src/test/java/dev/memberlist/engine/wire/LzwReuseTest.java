package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Lzw} keeps its tables per thread, writes bits 32 at a time and expands codes straight
 * into its output by their stored lengths; one call must never see what an earlier one left.
 * Compared with the writer and reader as they were before, with fresh tables for every call.
 */
class LzwReuseTest {

    @Test
    void reusedTablesWriteExactlyWhatFreshTablesWrite() throws DecodeException {
        Random rnd = new Random(11);
        for (int i = 0; i < 1000; i++) {
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

    @Test
    void readsExactlyWhatFreshTablesRead() throws DecodeException {
        Random rnd = new Random(23);
        for (int i = 0; i < 1000; i++) {
            byte[] in = input(rnd);
            byte[] c = new FreshWriter(in.length).compress(in);
            assertThat(Lzw.decompress(c, 0, c.length, Limits.MAX_DECOMPRESSED_BYTES))
                    .isEqualTo(new FreshReader(c, 0, c.length, Limits.MAX_DECOMPRESSED_BYTES).decode())
                    .isEqualTo(in);
        }
    }

    /** Garbage and damaged streams: the same bytes out, or both refuse (limits included). */
    @Test
    void refusesExactlyWhatFreshTablesRefuse() {
        Random rnd = new Random(29);
        for (int i = 0; i < 10_000; i++) {
            byte[] in;
            if (i % 2 == 0) {
                in = new byte[rnd.nextInt(400)];
                rnd.nextBytes(in);
                if (in.length > 1 && rnd.nextBoolean()) {
                    in[0] = 0; // a clear code first, as real streams have
                    in[1] &= (byte) 0xfe;
                }
            } else {
                byte[] plain = new byte[rnd.nextInt(1500)];
                int symbols = 1 + rnd.nextInt(256);
                for (int k = 0; k < plain.length; k++) {
                    plain[k] = (byte) rnd.nextInt(symbols);
                }
                byte[] good = Lzw.compress(plain);
                in = Arrays.copyOf(good, good.length);
                for (int k = rnd.nextInt(4); k >= 0 && in.length > 0; k--) {
                    in[rnd.nextInt(in.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                if (rnd.nextInt(4) == 0) {
                    in = Arrays.copyOf(in, rnd.nextInt(in.length + 1));
                }
            }
            int maxOut = rnd.nextBoolean() ? Limits.MAX_DECOMPRESSED_BYTES : rnd.nextInt(5000);
            byte[] expected;
            try {
                expected = new FreshReader(in, 0, in.length, maxOut).decode();
            } catch (DecodeException e) {
                expected = null;
            }
            byte[] actual;
            try {
                actual = Lzw.decompress(in, 0, in.length, maxOut);
            } catch (DecodeException e) {
                actual = null;
            }
            assertThat(actual).as("input %d", i).isEqualTo(expected);
        }
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

    /** Lzw.Reader as it was before its tables were reused: fresh tables for every call. */
    private static final class FreshReader {
        private final byte[] in;
        private int pos;
        private final int end;
        private final int maxOut;
        private int bits;
        private int nBits;
        private int width = LIT_WIDTH + 1;
        // Valid codes are literals, clear, eof, and [clear+2, hi]; overflow == 1 << width.
        private int hi = EOF;
        private int overflow = 1 << (LIT_WIDTH + 1);
        private int last = DECODER_INVALID_CODE;
        // For each code c in [lo, hi): suffix[c] is its last byte, prefix[c] the code for the rest.
        private final byte[] suffix = new byte[1 << MAX_WIDTH];
        private final short[] prefix = new short[1 << MAX_WIDTH];
        // A code's expansion is written right to left here before it is copied out.
        private final byte[] scratch = new byte[1 << MAX_WIDTH];
        private byte[] out;
        private int o;

        FreshReader(byte[] in, int off, int len, int maxOut) {
            this.in = in;
            this.pos = off;
            this.end = off + len;
            this.maxOut = maxOut;
            // Sized by the input actually present, never by a claim; grow() doubles up to maxOut.
            this.out = new byte[(int) Math.max(0, Math.min((long) len * 2 + 64, maxOut))];
        }

        /** Go's readLSB; -1 when the input ends first. */
        private int read() {
            while (nBits < width) {
                if (pos == end) {
                    return -1;
                }
                bits |= (in[pos++] & 0xff) << nBits;
                nBits += 8;
            }
            int code = bits & ((1 << width) - 1);
            bits >>>= width;
            nBits -= width;
            return code;
        }

        byte[] decode() throws DecodeException {
            while (true) {
                int code = read();
                if (code < 0) {
                    throw new DecodeException("lzw: unexpected EOF");
                }
                if (code < CLEAR) {
                    // A literal.
                    emit((byte) code);
                    if (last != DECODER_INVALID_CODE) {
                        // Save what the hi code expands to.
                        suffix[hi] = (byte) code;
                        prefix[hi] = (short) last;
                    }
                } else if (code == CLEAR) {
                    width = LIT_WIDTH + 1;
                    hi = EOF;
                    overflow = 1 << width;
                    last = DECODER_INVALID_CODE;
                    continue;
                } else if (code == EOF) {
                    return Arrays.copyOf(out, o);
                } else if (code <= hi) {
                    int c = code;
                    int i = scratch.length - 1;
                    if (code == hi && last != DECODER_INVALID_CODE) {
                        // code == hi expands to the last expansion followed by its first byte;
                        // walk the prefix chain to a literal to find that byte.
                        c = last;
                        for (int steps = 0; c >= CLEAR; steps++) {
                            if (steps >= scratch.length) {
                                throw new DecodeException("lzw: invalid code chain");
                            }
                            c = prefix[c] & 0xffff;
                        }
                        scratch[i--] = (byte) c;
                        c = last;
                    }
                    // Copy the suffix chain, right to left.
                    while (c >= CLEAR) {
                        if (i <= 0) {
                            throw new DecodeException("lzw: invalid code chain");
                        }
                        scratch[i--] = suffix[c];
                        c = prefix[c] & 0xffff;
                    }
                    scratch[i] = (byte) c;
                    emit(scratch, i, scratch.length - i);
                    if (last != DECODER_INVALID_CODE) {
                        // Save what the hi code expands to.
                        suffix[hi] = (byte) c;
                        prefix[hi] = (short) last;
                    }
                } else {
                    throw new DecodeException("lzw: invalid code");
                }
                last = code;
                hi++;
                if (hi >= overflow) {
                    if (width == MAX_WIDTH) {
                        // Table full: freeze it until the next clear code, keeping hi < overflow.
                        last = DECODER_INVALID_CODE;
                        hi--;
                    } else {
                        width++;
                        overflow = 1 << width;
                    }
                }
            }
        }

        private void emit(byte b) throws DecodeException {
            if (o == out.length) {
                grow(1);
            }
            out[o++] = b;
        }

        private void emit(byte[] b, int off, int len) throws DecodeException {
            if (out.length - o < len) {
                grow(len);
            }
            System.arraycopy(b, off, out, o, len);
            o += len;
        }

        private void grow(int more) throws DecodeException {
            long need = (long) o + more;
            if (need > maxOut) {
                throw new DecodeException("lzw: decompressed size exceeds the limit of " + maxOut + " bytes");
            }
            long size = Math.max(need, Math.min(Math.max(64L, (long) out.length * 2), maxOut));
            out = Arrays.copyOf(out, (int) size);
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
    private static final int DECODER_INVALID_CODE = 0xffff;
}
