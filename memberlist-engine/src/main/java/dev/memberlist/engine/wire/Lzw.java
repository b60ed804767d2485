package dev.memberlist.engine.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * LZW exactly as Go's {@code compress/lzw} writes and reads it with LSB order and literal width
 * 8 (GIF-style): codes from 9 to 12 bits, clear code 256 emitted first and whenever the table
 * fills, EOF 257. No JVM library does this flavour, so it is written here.
 *
 * <p>A port of Go 1.19's writer.go and reader.go, specialised to LSB and litWidth 8; the names
 * follow Go's so the two can be read side by side.
 */
public final class Lzw {
    private static final int LIT_WIDTH = 8;
    private static final int CLEAR = 1 << LIT_WIDTH;
    private static final int EOF = CLEAR + 1;
    private static final int MAX_WIDTH = 12;
    // writer.go
    private static final int MAX_CODE = (1 << MAX_WIDTH) - 1;
    private static final int TABLE_SIZE = 4 * (1 << MAX_WIDTH);
    private static final int TABLE_MASK = TABLE_SIZE - 1;
    private static final int INVALID_ENTRY = 0;
    // reader.go
    private static final int DECODER_INVALID_CODE = 0xffff;

    private Lzw() {}

    /**
     * Each thread's writer and reader tables. Every packet sent is compressed (and kept when it
     * shrinks), so a fresh 64 KiB hash table per call was most of what a node allocated: 59% of
     * all allocation in a 1,000-node simulation, and the reader's 16 KiB of tables another 15%.
     */
    private static final ThreadLocal<Writer> WRITERS = ThreadLocal.withInitial(Writer::new);

    private static final ThreadLocal<Tables> READER_TABLES = ThreadLocal.withInitial(Tables::new);

    /** Compresses, byte for byte as Go's writer. */
    public static byte[] compress(byte[] in) {
        return WRITERS.get().compress(in);
    }

    /**
     * Decompresses; accepts streams with or without an initial clear code.
     *
     * @param maxOut the most bytes to produce before failing
     * @throws DecodeException on invalid codes, a missing EOF, or output over {@code maxOut}
     */
    public static byte[] decompress(byte[] in, int off, int len, int maxOut) throws DecodeException {
        Objects.checkFromIndexSize(off, len, in.length);
        return new Reader(in, off, len, maxOut, READER_TABLES.get()).decode();
    }

    /**
     * Go's lzw.Writer: one Write of the whole input, then Close. Reused by one thread: the state
     * is reset at the start of every call, and the hash table is left empty at the end of one by
     * clearing just the slots it filled (at most one per input byte).
     */
    private static final class Writer {
        /** Output buffers up to this size are kept for the next call. */
        private static final int KEEP_OUT = 1 << 16;

        private byte[] out = new byte[256];
        private int n;
        private int bits;
        private int nBits;
        private int width;
        // hi is the code implied by the next code emission; overflow is where hi outgrows width.
        private int hi;
        private int overflow;
        // Hash table from 20-bit keys (12-bit prefix code, 8-bit suffix) to codes: key<<12|code.
        private final int[] table = new int[TABLE_SIZE];
        // The slots filled since the table was last empty: fewer than MAX_CODE.
        private final int[] used = new int[MAX_CODE];
        private int nUsed;

        byte[] compress(byte[] p) {
            n = 0;
            bits = 0;
            nBits = 0;
            width = LIT_WIDTH + 1;
            hi = CLEAR + 1;
            overflow = 1 << (LIT_WIDTH + 1);
            // LZW rarely does worse than 12 bits per input byte; put() grows it for the rest.
            int want = (int) Math.min(16L + p.length + p.length / 2, 1 << 20);
            if (out.length < want) {
                out = new byte[want];
            }
            try {
                return compressReset(p);
            } finally {
                clearTable();
                if (out.length > KEEP_OUT) {
                    out = new byte[256];
                }
            }
        }

        private byte[] compressReset(byte[] p) {
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
                used[nUsed++] = hash;
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
                clearTable();
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

        /** Empties the table, as Go's fresh table after a clear code. */
        private void clearTable() {
            for (int i = 0; i < nUsed; i++) {
                table[used[i]] = INVALID_ENTRY;
            }
            nUsed = 0;
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

    /** Go's lzw.Reader, reading everything at once into a bounded output. */
    private static final class Reader {
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
        // Every code below hi was defined in this stream before it can be read, so what an
        // earlier call left in the thread's tables is never seen.
        private final byte[] suffix;
        private final short[] prefix;
        // A code's expansion is written right to left here before it is copied out.
        private final byte[] scratch;
        private byte[] out;
        private int o;

        Reader(byte[] in, int off, int len, int maxOut, Tables tables) {
            this.in = in;
            this.pos = off;
            this.end = off + len;
            this.maxOut = maxOut;
            this.suffix = tables.suffix;
            this.prefix = tables.prefix;
            this.scratch = tables.scratch;
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

    /** A reader's code tables, reused by one thread. */
    private static final class Tables {
        final byte[] suffix = new byte[1 << MAX_WIDTH];
        final short[] prefix = new short[1 << MAX_WIDTH];
        final byte[] scratch = new byte[1 << MAX_WIDTH];
    }
}
