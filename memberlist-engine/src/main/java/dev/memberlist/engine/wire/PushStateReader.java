package dev.memberlist.engine.wire;

import java.util.Arrays;
import java.util.List;

/**
 * Reads the node states of a push-pull in their plain shape without msgpack-core: a map of the
 * seven known keys, strings and byte strings in any of their 8- and 16-bit formats or nil,
 * non-negative integers in any format. A push-pull of a large cluster is thousands of these, read
 * on every exchange; going through msgpack-core's unpacker cost several times more, and for a
 * node of thousands that is a long task. Anything else (another key, a negative number, a nil
 * name, a 32-bit length) gives up, and the caller reads the whole stream with the full decoder,
 * which then says what is wrong; what this reader accepts it reads exactly as that decoder does.
 */
final class PushStateReader extends RawCursor {
    private PushStateReader(byte[] buf) {
        super(buf);
    }

    /**
     * Reads {@code count} node states from {@code buf[at, end)} into {@code out}.
     *
     * @return where they end, or -1 when one is not of the plain shape ({@code out} is then
     *     partly filled)
     */
    static int read(byte[] buf, int at, int end, int count, List<PushNodeState> out) {
        PushStateReader r = new PushStateReader(buf);
        r.pos = at;
        for (int i = 0; i < count; i++) {
            PushNodeState n = r.readOne(end);
            if (n == null) {
                return -1;
            }
            out.add(n);
        }
        return r.pos;
    }

    private PushNodeState readOne(int end) {
        int entries = readMapHeader(end);
        if (entries < 0) {
            return null;
        }
        String name = "";
        byte[] addr = null;
        int port = 0;
        byte[] meta = null;
        long incarnation = 0;
        int state = 0;
        byte[] vsn = null;
        for (int i = 0; i < entries; i++) {
            int keyOff = readRaw(end);
            if (keyOff < 0) {
                return null;
            }
            switch (rawLen) {
                case 3 -> {
                    if (!is(keyOff, VSN) || (vsn = bytes(end)) == ERROR_BYTES) {
                        return null;
                    }
                }
                case 4 -> {
                    if (is(keyOff, NAME)) {
                        int n = readRaw(end);
                        if (n < 0) {
                            return null;
                        }
                        name = rawLen == 0 ? "" : Names.of(buf, n, rawLen);
                    } else if (is(keyOff, ADDR)) {
                        if ((addr = bytes(end)) == ERROR_BYTES) {
                            return null;
                        }
                    } else if (is(keyOff, PORT)) {
                        long p = readUint(end);
                        if (p < 0 || p > 0xffff) {
                            return null;
                        }
                        port = (int) p;
                    } else if (is(keyOff, META)) {
                        if ((meta = bytes(end)) == ERROR_BYTES) {
                            return null;
                        }
                    } else {
                        return null;
                    }
                }
                case 5 -> {
                    long s;
                    if (!is(keyOff, STATE) || (s = readUint(end)) < 0 || s > Integer.MAX_VALUE) {
                        return null;
                    }
                    state = (int) s;
                }
                case 11 -> {
                    if (!is(keyOff, INCARNATION) || (incarnation = readUint(end)) < 0 || incarnation > 0xffffffffL) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        return new PushNodeState(name, addr, port, meta, incarnation, state, vsn);
    }

    /** Marks a field that could not be read, as null stands for nil. */
    private static final byte[] ERROR_BYTES = new byte[0];

    /** A byte string, copied; null for nil; {@link #ERROR_BYTES} when not one. */
    private byte[] bytes(int end) {
        int off = readRaw(end);
        if (off == ERROR) {
            return ERROR_BYTES;
        }
        return off == NIL ? null : Arrays.copyOfRange(buf, off, off + rawLen);
    }
}
