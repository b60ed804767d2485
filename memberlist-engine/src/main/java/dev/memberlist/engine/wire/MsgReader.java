package dev.memberlist.engine.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;

/**
 * Reads Go-struct-shaped msgpack from a byte range, leniently like go-msgpack: any int family for
 * integers, str or bin for strings and byte slices, nil for anything, a map keyed by field name
 * for a struct. Every failure is a {@link DecodeException}; {@link #truncated()} tells whether it
 * was for lack of bytes, which the stream framer turns into "wait for more".
 *
 * <p>Lengths declared by the input are checked against the bytes present before anything is
 * allocated for them.
 *
 * <p>Every packet is a score of messages, each read by a reader: {@link #acquire} hands out the
 * thread's reader, its unpacker reset onto the new range, rather than a new unpacker, input and
 * buffers per message. A reader acquired while the thread's is in use is a new one.
 */
final class MsgReader {
    /** Longest key we match; longer keys are unknown and skipped. */
    private static final int MAX_KEY = 16;

    private static final byte[] EMPTY = new byte[0];

    private static final ThreadLocal<MsgReader> READERS = ThreadLocal.withInitial(MsgReader::new);

    private final ArrayBufferInput input;
    private final MessageUnpacker u;
    private byte[] buf;
    private int off;
    private int len;
    private final byte[] key = new byte[MAX_KEY];
    /** Names are copied here to be looked up in {@link Names}. */
    private final byte[] name = new byte[Names.MAX_CACHED];

    private boolean truncated;
    private int spanLength;
    /** The thread's reader, acquired and not yet released. */
    private boolean busy;

    MsgReader(byte[] buf, int off, int len) {
        this();
        reset(buf, off, len);
    }

    private MsgReader() {
        this.input = new ArrayBufferInput(EMPTY);
        this.u = MessagePack.newDefaultUnpacker(input);
    }

    /** The thread's reader over {@code buf[off, off + len)}, or a new one if it is in use; {@link #release()} it. */
    static MsgReader acquire(byte[] buf, int off, int len) {
        MsgReader r = READERS.get();
        if (r.busy) {
            return new MsgReader(buf, off, len);
        }
        r.reset(buf, off, len);
        r.busy = true;
        return r;
    }

    /** Done with a reader from {@link #acquire}: it lets go of the input. */
    void release() {
        if (busy) {
            reset(EMPTY, 0, 0);
            busy = false;
        }
    }

    private void reset(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        this.buf = buf;
        this.off = off;
        this.len = len;
        truncated = false;
        spanLength = 0;
        input.reset(buf, off, len);
        try {
            u.reset(input);
        } catch (IOException e) {
            throw new IllegalStateException(e); // only closing the old input throws, an array's does not
        }
    }

    /** Bytes consumed so far, relative to the start of the range. */
    int position() {
        return (int) u.getTotalReadBytes();
    }

    /** Bytes left in the range. */
    int remaining() {
        return len - position();
    }

    /** True when the last failure was running out of bytes rather than malformed input. */
    boolean truncated() {
        return truncated;
    }

    /**
     * Reads the header of a struct.
     *
     * @return the number of key/value pairs, or 0 for nil (Go decodes nil as the zero struct)
     */
    int readStructHeader() throws DecodeException {
        try {
            if (u.tryUnpackNil()) {
                return 0;
            }
            MessageFormat f = u.getNextFormat();
            if (f != MessageFormat.FIXMAP && f != MessageFormat.MAP16 && f != MessageFormat.MAP32) {
                throw new DecodeException("expected a msgpack map for a struct, got " + f);
            }
            return u.unpackMapHeader();
        } catch (RuntimeException | IOException e) {
            throw wrap(e);
        }
    }

    /**
     * Reads a map key and finds it among {@code keys}, exactly and case-sensitively.
     *
     * @return its index, or -1 when unknown (the caller then skips the value)
     */
    int readKey(byte[][] keys) throws DecodeException {
        try {
            int n = u.unpackRawStringHeader();
            need(n);
            if (n > MAX_KEY) {
                u.readPayloadAsReference(n);
                return -1;
            }
            u.readPayload(key, 0, n);
            for (int i = 0; i < keys.length; i++) {
                if (matches(keys[i], n)) {
                    return i;
                }
            }
            return -1;
        } catch (RuntimeException | IOException e) {
            throw wrap(e);
        }
    }

    private boolean matches(byte[] k, int n) {
        if (k.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (k[i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Skips one value of any type. Not msgpack-core's skipValue, whose int counter of values left
     * wraps on a map or array declaring 2^30 or more entries and then skips nothing: a map32
     * claiming two billion entries with none present was taken as complete.
     */
    void skip() throws DecodeException {
        StreamFramer.Progress p = StreamFramer.Progress.oneValueAt(position());
        if (!StreamFramer.skip(buf, off, len, p)) {
            truncated = true;
            throw new DecodeException("truncated msgpack value");
        }
        try {
            u.readPayloadAsReference((int) (p.position() - position()));
        } catch (RuntimeException | IOException e) {
            throw wrap(e);
        }
    }

    /** An unsigned integer no larger than {@code max}; nil is 0. */
    long readUint(long max) throws DecodeException {
        long v = readLong();
        if (v < 0) {
            throw new DecodeException("negative value " + v + " for an unsigned field");
        }
        if (v > max) {
            throw new DecodeException("value " + v + " overflows an unsigned field (max " + max + ")");
        }
        return v;
    }

    /** A Go {@code int} that must fit a Java int; nil is 0. */
    int readInt() throws DecodeException {
        long v = readLong();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new DecodeException("integer " + v + " out of range");
        }
        return (int) v;
    }

    private long readLong() throws DecodeException {
        try {
            if (u.tryUnpackNil()) {
                return 0;
            }
            return u.unpackLong();
        } catch (RuntimeException | IOException e) {
            throw wrap(e);
        }
    }

    /** A bool; like go-msgpack v0.5 also accepts the integers 0 and 1. nil is false. */
    boolean readBool() throws DecodeException {
        try {
            if (u.tryUnpackNil()) {
                return false;
            }
            MessageFormat f = u.getNextFormat();
            if (f == MessageFormat.BOOLEAN) {
                return u.unpackBoolean();
            }
            if (f == MessageFormat.POSFIXINT) {
                long v = u.unpackLong();
                if (v == 0 || v == 1) {
                    return v == 1;
                }
            }
            throw new DecodeException("expected a bool, got " + f);
        } catch (RuntimeException | IOException e) {
            throw wrap(e);
        }
    }

    /** A string from str or bin; nil is "". Invalid UTF-8 is replaced, as Java strings cannot hold it. */
    String readString() throws DecodeException {
        int start = readRawSpan();
        if (start < 0) {
            return "";
        }
        return new String(buf, off + start, spanLength, StandardCharsets.UTF_8);
    }

    /**
     * A node name, as {@link #readString()} but interned through {@link Names}: the same name
     * decoded again is the same string, found without allocating.
     */
    String readName() throws DecodeException {
        int n = readRawHeader();
        if (n < 0) {
            return "";
        }
        need(n);
        try {
            if (n > name.length) {
                int start = position();
                u.readPayloadAsReference(n);
                return Names.of(buf, off + start, n);
            }
            u.readPayload(name, 0, n);
            return Names.of(name, 0, n);
        } catch (RuntimeException | IOException e) {
            throw wrap(e);
        }
    }

    /** A byte slice from str or bin; nil is null, an empty raw is an empty array. */
    byte[] readBytes() throws DecodeException {
        int n = readRawHeader();
        if (n < 0) {
            return null;
        }
        need(n);
        try {
            return u.readPayload(n);
        } catch (RuntimeException | IOException e) {
            throw wrap(e);
        }
    }

    /**
     * Reads a str or bin header and steps over its payload without copying it.
     *
     * @return the payload's offset relative to the range start (its length in {@link #spanLength()}),
     *     or -1 for nil
     */
    int readRawSpan() throws DecodeException {
        try {
            if (u.tryUnpackNil()) {
                spanLength = 0;
                return -1;
            }
            MessageFormat f = u.getNextFormat();
            switch (f) {
                case FIXSTR, STR8, STR16, STR32, BIN8, BIN16, BIN32 -> {}
                default -> throw new DecodeException("expected a string or bytes, got " + f);
            }
            int n = u.unpackBinaryHeader();
            need(n);
            int start = position();
            u.readPayloadAsReference(n);
            spanLength = n;
            return start;
        } catch (RuntimeException | IOException e) {
            throw wrap(e);
        }
    }

    /**
     * Reads only the header of a str or bin value, leaving its payload unread.
     *
     * @return its declared length, or -1 for nil
     */
    int readRawHeader() throws DecodeException {
        try {
            if (u.tryUnpackNil()) {
                return -1;
            }
            MessageFormat f = u.getNextFormat();
            switch (f) {
                case FIXSTR, STR8, STR16, STR32, BIN8, BIN16, BIN32 -> {}
                default -> throw new DecodeException("expected a string or bytes, got " + f);
            }
            return u.unpackBinaryHeader();
        } catch (RuntimeException | IOException e) {
            throw wrap(e);
        }
    }

    /** Steps over {@code n} payload bytes after {@link #readRawHeader()}. */
    void skipPayload(int n) throws DecodeException {
        need(n);
        try {
            u.readPayloadAsReference(n);
        } catch (RuntimeException | IOException e) {
            throw wrap(e);
        }
    }

    /** Length of the span found by the last {@link #readRawSpan()}. */
    int spanLength() {
        return spanLength;
    }

    /** Fails, as truncated, unless {@code n} more bytes are present. */
    void need(int n) throws DecodeException {
        if (n < 0 || n > remaining()) {
            truncated = true;
            throw new DecodeException("truncated: " + n + " bytes declared, " + remaining() + " present");
        }
    }

    private DecodeException wrap(Exception e) {
        if (e instanceof MessageInsufficientBufferException || e instanceof java.io.EOFException) {
            truncated = true;
            return new DecodeException("truncated msgpack", e);
        }
        return new DecodeException("malformed msgpack: " + e.getMessage(), e);
    }
}
