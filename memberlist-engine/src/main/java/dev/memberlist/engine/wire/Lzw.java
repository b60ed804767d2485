package dev.memberlist.engine.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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

    /**
     * Go's lzw.Reader, reading everything at once into a bounded output.
     *
     * <p>Go keeps each code's prefix code and last byte and expands a code by walking that chain
     * backwards. Here a code is where its expansion already lies in the output: every code's
     * string, the last one's plus the first byte of the one after it, is written out in one piece
     * when it is defined, so expanding a code is copying {@code length[c]} bytes from
     * {@code start[c]}, a block at a time. The literals get the same treatment from the 256 bytes
     * that precede the output in the buffer. The codes and the errors are Go's; only where the
     * bytes are found differs.
     */
    private static final class Reader {
        private static final VarHandle LONGS =
                MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

        private final byte[] in;
        private final int end;
        private final int maxOut;
        private final Tables tables;

        Reader(byte[] in, int off, int len, int maxOut, Tables tables) {
            this.in = in;
            this.pos = off;
            this.end = off + len;
            this.maxOut = maxOut;
            this.tables = tables;
        }

        private int pos;

        byte[] decode() throws DecodeException {
            final byte[] in = this.in;
            final int end = this.end;
            final int[] start = tables.start;
            final short[] length = tables.length;
            byte[] out = tables.out;
            // output from Tables.BASE on; the last write of a block copy may run up to BLOCK past it
            int n = Tables.BASE;
            long limit = (long) Tables.BASE + maxOut;
            int p = pos;
            long bits = 0;
            int nBits = 0;
            int width = LIT_WIDTH + 1;
            int mask = (1 << width) - 1;
            // Valid codes are literals, clear, eof, and [clear+2, hi]; overflow == 1 << width.
            int hi = EOF;
            int overflow = 1 << width;
            boolean haveLast = false;
            int lastStart = 0;
            int lastLen = 0;
            while (true) {
                // Go's readLSB, four bytes at a time while there are four
                if (nBits < width) {
                    if (end - p >= 4) {
                        bits |= ((in[p] & 0xffL)
                                        | (in[p + 1] & 0xffL) << 8
                                        | (in[p + 2] & 0xffL) << 16
                                        | (in[p + 3] & 0xffL) << 24)
                                << nBits;
                        p += 4;
                        nBits += 32;
                    } else {
                        while (nBits < width) {
                            if (p == end) {
                                throw new DecodeException("lzw: unexpected EOF");
                            }
                            bits |= (in[p++] & 0xffL) << nBits;
                            nBits += 8;
                        }
                    }
                }
                int code = (int) bits & mask;
                bits >>>= width;
                nBits -= width;
                if (code >= CLEAR) {
                    if (code == CLEAR) {
                        width = LIT_WIDTH + 1;
                        mask = (1 << width) - 1;
                        hi = EOF;
                        overflow = 1 << width;
                        haveLast = false;
                        continue;
                    }
                    if (code == EOF) {
                        byte[] result = Arrays.copyOfRange(out, Tables.BASE, n);
                        if (out.length <= Tables.KEEP_OUT) {
                            tables.out = out;
                        }
                        return result;
                    }
                    if (code > hi) {
                        throw new DecodeException("lzw: invalid code");
                    }
                }
                if (haveLast) {
                    // Save what the hi code expands to: the last expansion and the first byte
                    // of this one, which is written right after it. Before the copy, so that
                    // code == hi finds it.
                    start[hi] = lastStart;
                    length[hi] = (short) (lastLen + 1);
                }
                int from = start[code];
                int len = length[code];
                if (limit - n < len) {
                    throw new LimitExceededException(
                            "lzw: decompressed size exceeds the limit of " + maxOut + " bytes");
                }
                if (out.length - n < len + BLOCK) {
                    out = grow(out, n, len);
                }
                if (n - from >= BLOCK && len <= BLOCK) {
                    // the usual short expansion, copied as a block (the bytes past len are rewritten later)
                    LONGS.set(out, n, (long) LONGS.get(out, from));
                    LONGS.set(out, n + 8, (long) LONGS.get(out, from + 8));
                } else if (n - from >= len) {
                    System.arraycopy(out, from, out, n, len);
                } else {
                    // code == hi: its own first byte follows the last expansion; the copy overlaps
                    for (int i = 0; i < len; i++) {
                        out[n + i] = out[from + i];
                    }
                }
                haveLast = true;
                lastStart = n;
                lastLen = len;
                n += len;
                hi++;
                if (hi >= overflow) {
                    if (width == MAX_WIDTH) {
                        // Table full: freeze it until the next clear code, keeping hi < overflow.
                        haveLast = false;
                        hi--;
                    } else {
                        width++;
                        mask = (1 << width) - 1;
                        overflow = 1 << width;
                    }
                }
            }
        }

        /** A bigger buffer, keeping what is written, with room for {@code more} bytes and a block. */
        private byte[] grow(byte[] out, int n, int more) {
            long need = (long) n + more + BLOCK;
            long size = Math.max(need, Math.min(2L * out.length, (long) Tables.BASE + maxOut + BLOCK));
            return Arrays.copyOf(out, (int) Math.min(size, Integer.MAX_VALUE - 8));
        }
    }

    /** Bytes a block copy moves at once. */
    private static final int BLOCK = 16;

    /** A reader's code tables and output buffer, reused by one thread. */
    private static final class Tables {
        /** Output buffers up to this size are kept for the next call. */
        static final int KEEP_OUT = 1 << 16;
        /** Where the output starts in the buffer: the 256 literals come first. */
        static final int BASE = 256;

        /** For each code, where its expansion starts in the buffer, and its length. */
        final int[] start = new int[1 << MAX_WIDTH];

        final short[] length = new short[1 << MAX_WIDTH];
        byte[] out = new byte[4096];

        Tables() {
            for (int c = 0; c < CLEAR; c++) {
                out[c] = (byte) c;
                start[c] = c;
                length[c] = 1;
            }
        }
    }
}
