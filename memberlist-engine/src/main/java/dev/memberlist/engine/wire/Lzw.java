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
        // Pending output bits, least significant first; written out 32 at a time.
        private long bits;
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
            // At most one code per input byte, a clear code per table fill, the first clear, the
            // last code and EOF, each at most 12 bits: room for all of it, so no write checks.
            long codes = p.length + p.length / (MAX_CODE - CLEAR - 1) + 4;
            int want = (int) Math.min((codes * MAX_WIDTH + 7) / 8 + 8, Integer.MAX_VALUE - 8);
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

        /** Go's writeLSB: the same bit stream, flushed four bytes at a time. */
        private void write(int c) {
            bits |= (long) c << nBits;
            nBits += width;
            if (nBits >= 32) {
                byte[] o = out;
                int i = n;
                o[i] = (byte) bits;
                o[i + 1] = (byte) (bits >>> 8);
                o[i + 2] = (byte) (bits >>> 16);
                o[i + 3] = (byte) (bits >>> 24);
                n = i + 4;
                bits >>>= 32;
                nBits -= 32;
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
            while (nBits > 0) {
                out[n++] = (byte) bits;
                bits >>>= 8;
                nBits -= 8;
            }
            return Arrays.copyOf(out, n);
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
        // For each code c in [lo, hi): suffix[c] is its last byte, prefix[c] the code for the rest,
        // length[c] the length of its expansion (1 for literals). Every code below hi was defined
        // in this stream before it can be read, so what an earlier call left in the thread's
        // tables is never seen.
        private final byte[] suffix;
        private final short[] prefix;
        private final short[] length;
        private final Tables tables;
        private byte[] out;
        // How far out may be written: its length, or maxOut if that is less.
        private int cap;
        private int o;

        Reader(byte[] in, int off, int len, int maxOut, Tables tables) {
            this.in = in;
            this.pos = off;
            this.end = off + len;
            this.maxOut = maxOut;
            this.tables = tables;
            this.suffix = tables.suffix;
            this.prefix = tables.prefix;
            this.length = tables.length;
            // The thread's buffer, grown on demand (never by a claim) up to maxOut; the result is
            // a copy of what was written.
            this.out = tables.out;
            this.cap = Math.min(out.length, maxOut);
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
                    if (o == cap) {
                        grow(1);
                    }
                    out[o++] = (byte) code;
                    if (last != DECODER_INVALID_CODE) {
                        // Save what the hi code expands to.
                        suffix[hi] = (byte) code;
                        prefix[hi] = (short) last;
                        length[hi] = (short) (length[last] + 1);
                    }
                } else if (code == CLEAR) {
                    width = LIT_WIDTH + 1;
                    hi = EOF;
                    overflow = 1 << width;
                    last = DECODER_INVALID_CODE;
                    continue;
                } else if (code == EOF) {
                    byte[] result = Arrays.copyOf(out, o);
                    keepBuffer();
                    return result;
                } else if (code <= hi) {
                    // code == hi expands to the last expansion followed by its own first byte
                    boolean kwk = code == hi && last != DECODER_INVALID_CODE;
                    int c = kwk ? last : code;
                    int n = kwk ? length[last] + 1 : length[code];
                    if (n < 2 || n > 1 << MAX_WIDTH) {
                        throw new DecodeException("lzw: invalid code chain");
                    }
                    if (cap - o < n) {
                        grow(n);
                    }
                    // Write the suffix chain straight into the output, right to left.
                    int start = o;
                    int j = start + (kwk ? n - 2 : n - 1);
                    while (c >= CLEAR) {
                        if (j <= start) {
                            throw new DecodeException("lzw: invalid code chain");
                        }
                        out[j--] = suffix[c];
                        c = prefix[c] & 0xffff;
                    }
                    if (j != start) {
                        throw new DecodeException("lzw: invalid code chain");
                    }
                    out[start] = (byte) c;
                    if (kwk) {
                        out[start + n - 1] = (byte) c;
                    }
                    o = start + n;
                    if (last != DECODER_INVALID_CODE) {
                        // Save what the hi code expands to.
                        suffix[hi] = (byte) c;
                        prefix[hi] = (short) last;
                        length[hi] = (short) (length[last] + 1);
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

        private void grow(int more) throws DecodeException {
            long need = (long) o + more;
            if (need > maxOut) {
                throw new LimitExceededException("lzw: decompressed size exceeds the limit of " + maxOut + " bytes");
            }
            if (need > out.length) {
                long size = Math.max(need, Math.min(Math.max(256L, (long) out.length * 2), maxOut));
                out = Arrays.copyOf(out, (int) size);
            }
            cap = Math.min(out.length, maxOut);
        }

        /** Keeps a grown buffer for the thread's next call, unless it grew large. */
        private void keepBuffer() {
            if (out.length <= Tables.KEEP_OUT) {
                tables.out = out;
            }
        }
    }

    /** A reader's code tables and output buffer, reused by one thread. */
    private static final class Tables {
        /** Output buffers up to this size are kept for the next call. */
        static final int KEEP_OUT = 1 << 16;

        final byte[] suffix = new byte[1 << MAX_WIDTH];
        final short[] prefix = new short[1 << MAX_WIDTH];
        final short[] length = new short[1 << MAX_WIDTH];
        byte[] out = new byte[4096];

        Tables() {
            for (int c = 0; c < CLEAR; c++) {
                length[c] = 1;
            }
        }
    }
}
