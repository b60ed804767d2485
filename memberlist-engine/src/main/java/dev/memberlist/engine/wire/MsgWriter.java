package dev.memberlist.engine.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Writes msgpack the way go-msgpack v0.5 does with a zero {@code MsgpackHandle}: strings and byte
 * slices as legacy raw strings (fixstr, str16, str32; never str8 or bin), nil for a null byte
 * slice, non-negative integers in the unsigned family. One per thread, reused: {@link #start()}
 * clears it and {@link #toByteArray()} copies out the result.
 */
final class MsgWriter {
    private static final ThreadLocal<MsgWriter> LOCAL = ThreadLocal.withInitial(MsgWriter::new);
    private static final byte[][] SINGLE = new byte[256][];

    static {
        for (int i = 0; i < 256; i++) {
            SINGLE[i] = new byte[] {(byte) i};
        }
    }

    private final MessageBufferPacker p =
            new MessagePack.PackerConfig().withStr8FormatSupport(false).newBufferPacker();

    private MsgWriter() {}

    /** The calling thread's writer, emptied. Not re-entrant. */
    static MsgWriter start() {
        MsgWriter w = LOCAL.get();
        w.p.clear();
        return w;
    }

    /** A raw byte, e.g. the message type. */
    MsgWriter rawByte(int b) {
        return raw(SINGLE[b & 0xff], 0, 1);
    }

    /** Raw bytes outside msgpack, e.g. the user state after a push-pull. */
    MsgWriter raw(byte[] b, int off, int len) {
        try {
            p.writePayload(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A map header for a struct of {@code n} fields. */
    MsgWriter map(int n) {
        try {
            p.packMapHeader(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A field name, pre-encoded as UTF-8. */
    MsgWriter key(byte[] name) {
        return bytes(name);
    }

    /** A Go string. */
    MsgWriter str(String s) {
        if (s == null || s.isEmpty()) {
            return rawByte(0xa0);
        }
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A Go byte slice: nil for null, legacy raw string otherwise. */
    MsgWriter bytes(byte[] b) {
        try {
            if (b == null) {
                p.packNil();
            } else {
                p.packRawStringHeader(b.length);
                p.writePayload(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A Go unsigned integer no larger than {@code max}. */
    MsgWriter uint(long v, long max, String field) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(field + " out of range [0, " + max + "]: " + v);
        }
        return integer(v);
    }

    /** A Go int: non-negative values in the unsigned family as go-msgpack v0.5 writes them. */
    MsgWriter integer(long v) {
        try {
            p.packLong(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    MsgWriter bool(boolean b) {
        try {
            p.packBoolean(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The bytes written since {@link #start()}, in a new exact-size array. */
    byte[] toByteArray() {
        return p.toByteArray();
    }
}
