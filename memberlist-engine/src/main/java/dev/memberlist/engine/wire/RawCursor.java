package dev.memberlist.engine.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads msgpack fields where they lie, for the readers that check a message before decoding it
 * ({@link AliveView}) or decode the plain shape of many without msgpack-core ({@link
 * PushStateReader}): strings and byte strings as offsets into the buffer, non-negative integers of
 * any format. Anything else is an error, and the caller takes the full decoder.
 */
abstract class RawCursor {
    /** Not final only so that a reused view can be pointed at the next message. */
    byte[] buf;

    /** Where {@link #readRaw} and {@link #readUint} left off. */
    int pos;

    RawCursor(byte[] buf) {
        this.buf = buf;
    }

    /**
     * A map header of up to 65,535 entries at {@link #pos}: their number, or -1.
     *
     * @param end the end of the range
     */
    int readMapHeader(int end) {
        int at = pos;
        if (at >= end) {
            return -1;
        }
        int b = buf[at++] & 0xff;
        int entries;
        if ((b & 0xf0) == 0x80) {
            entries = b & 0x0f;
        } else if (b == 0xde && at + 2 <= end) {
            entries = (buf[at] & 0xff) << 8 | (buf[at + 1] & 0xff);
            at += 2;
        } else {
            return -1;
        }
        pos = at;
        return entries;
    }

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /** Field names, in ASCII: compared with the bytes of a key where it lies. */
    static final byte[] ADDR = ascii("Addr");

    static final byte[] INCARNATION = ascii("Incarnation");
    static final byte[] META = ascii("Meta");
    static final byte[] NAME = ascii("Name");
    static final byte[] NODE = ascii("Node");
    static final byte[] PORT = ascii("Port");
    static final byte[] STATE = ascii("State");
    static final byte[] VSN = ascii("Vsn");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * True when the key at {@code off} (as long as {@code key}, which the caller checked) is
     * {@code key}. An array constant, not varargs: a varargs call allocated its array on every
     * key of every alive message read, a quarter of what the packet path allocated.
     */
    boolean is(int off, byte[] key) {
        // four bytes at a time: every key of every alive message read is compared here
        int i = 0;
        for (; i + 4 <= key.length; i += 4) {
            if ((int) INT.get(buf, off + i) != (int) INT.get(key, i)) {
                return false;
            }
        }
        for (; i < key.length; i++) {
            if (buf[off + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    /** Length of the string the last {@link #readRaw} found. */
    int rawLen;

    static final int ERROR = -1;
    static final int NIL = -2;

    /**
     * A str or bin at {@link #pos}: its payload's offset (length in {@link #rawLen}), {@link #NIL}
     * for nil, or {@link #ERROR}.
     */
    int readRaw(int end) {
        int at = pos;
        if (at >= end) {
            return ERROR;
        }
        int b = buf[at++] & 0xff;
        int n;
        if (b == 0xc0) {
            pos = at;
            return NIL;
        } else if ((b & 0xe0) == 0xa0) {
            n = b & 0x1f;
        } else if (b == 0xd9 || b == 0xc4) {
            if (at + 1 > end) {
                return ERROR;
            }
            n = buf[at++] & 0xff;
        } else if (b == 0xda || b == 0xc5) {
            if (at + 2 > end) {
                return ERROR;
            }
            n = (buf[at] & 0xff) << 8 | (buf[at + 1] & 0xff);
            at += 2;
        } else {
            return ERROR;
        }
        if (n > end - at) {
            return ERROR;
        }
        rawLen = n;
        pos = at + n;
        return at;
    }

    /** A non-negative integer of any msgpack int format at {@link #pos}, or -1. */
    long readUint(int end) {
        int at = pos;
        if (at >= end) {
            return -1;
        }
        int b = buf[at++] & 0xff;
        int size;
        boolean signed;
        if (b <= 0x7f) {
            pos = at;
            return b;
        } else if (b >= 0xcc && b <= 0xcf) {
            size = 1 << (b - 0xcc);
            signed = false;
        } else if (b >= 0xd0 && b <= 0xd3) {
            size = 1 << (b - 0xd0);
            signed = true;
        } else {
            return -1;
        }
        if (size > end - at) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = v << 8 | (buf[at + i] & 0xff);
        }
        if (signed && size < 8 && (v & (1L << (8 * size - 1))) != 0) {
            return -1;
        }
        if (v < 0) {
            return -1;
        }
        pos = at + size;
        return v;
    }
}
