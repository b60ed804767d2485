package dev.memberlist.engine.wire;

import java.util.Arrays;

/**
 * The fields of an alive message read where they lie, without decoding it: the node's name,
 * incarnation, port, and where its address and versions are in the buffer.
 *
 * <p>Gossip repeats every alive message about twenty times to every node ({@code retransmitMult *
 * ceil(log10(n + 1))} transmissions by each holder), so nearly every alive a node receives is one
 * it already has: Go's {@code aliveNode} drops it at its incarnation check. Reading it here lets the
 * receiver make that check before allocating the message, its address, metadata and versions, and
 * hand on the rest without a second reading ({@link #toAlive()}). Only
 * the plain shape is read: a map of the six known keys with ints, strings and byte strings in any
 * of their msgpack formats. Anything else (another key, a negative number, nil, a truncated field)
 * gives no view, and the message then takes the full decoder, which says what is wrong with it.
 */
public final class AliveView {
    private final byte[] buf;
    private long incarnation = -1;
    private String node;
    private int addrOff = -1;
    private int addrLen;
    private int port = -1;
    private int vsnOff = NIL;
    private int vsnLen;
    private int metaOff = NIL;
    private int metaLen;

    /** Where {@link #readRaw} and {@link #readUint} left off. */
    private int pos;

    private AliveView(byte[] buf) {
        this.buf = buf;
    }

    /**
     * Reads the body of an alive message ({@code buf[off, off + len)}, after its type byte).
     *
     * @return the view, or null when the message is not of the plain shape
     */
    public static AliveView read(byte[] buf, int off, int len) {
        AliveView v = new AliveView(buf);
        return v.parse(off, off + len) ? v : null;
    }

    /** The incarnation. */
    public long incarnation() {
        return incarnation;
    }

    /** The node's name, interned. */
    public String node() {
        return node;
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** True when the message's address is exactly {@code addr}. */
    public boolean addrEquals(byte[] addr) {
        if (addr == null || addr.length != addrLen) {
            return false;
        }
        for (int i = 0; i < addrLen; i++) {
            if (buf[addrOff + i] != addr[i]) {
                return false;
            }
        }
        return true;
    }

    /** Length of the versions field, 0 when absent. */
    public int vsnLength() {
        return vsnLen;
    }

    /** Byte {@code i} of the versions field. */
    public int vsn(int i) {
        return buf[vsnOff + i] & 0xff;
    }

    /** The message, as {@link MessageCodec#decode} gives it: what to hand on when it is not stale. */
    public Alive toAlive() {
        return new Alive(incarnation, node, copy(addrOff, addrLen), port, copy(metaOff, metaLen), copy(vsnOff, vsnLen));
    }

    private byte[] copy(int off, int len) {
        return off == NIL ? null : Arrays.copyOfRange(buf, off, off + len);
    }

    private boolean parse(int at, int end) {
        if (at >= end) {
            return false;
        }
        int b = buf[at++] & 0xff;
        int entries;
        if ((b & 0xf0) == 0x80) {
            entries = b & 0x0f;
        } else if (b == 0xde && at + 2 <= end) {
            entries = (buf[at] & 0xff) << 8 | (buf[at + 1] & 0xff);
            at += 2;
        } else {
            return false;
        }
        pos = at;
        for (int i = 0; i < entries; i++) {
            int keyOff = readRaw(end);
            if (keyOff < 0) {
                return false;
            }
            int keyLen = rawLen;
            switch (keyLen) {
                case 3 -> {
                    if (!is(keyOff, 'V', 's', 'n') || (vsnOff = readRaw(end)) == ERROR) {
                        return false;
                    }
                    vsnLen = vsnOff == NIL ? 0 : rawLen;
                }
                case 4 -> {
                    if (is(keyOff, 'N', 'o', 'd', 'e')) {
                        int n = readRaw(end);
                        if (n < 0 || rawLen == 0) {
                            return false;
                        }
                        node = Names.of(buf, n, rawLen);
                    } else if (is(keyOff, 'A', 'd', 'd', 'r')) {
                        if ((addrOff = readRaw(end)) < 0) {
                            return false;
                        }
                        addrLen = rawLen;
                    } else if (is(keyOff, 'P', 'o', 'r', 't')) {
                        long p = readUint(end);
                        if (p < 0 || p > 0xffff) {
                            return false;
                        }
                        port = (int) p;
                    } else if (is(keyOff, 'M', 'e', 't', 'a')) {
                        if ((metaOff = readRaw(end)) == ERROR) {
                            return false;
                        }
                        metaLen = metaOff == NIL ? 0 : rawLen;
                    } else {
                        return false;
                    }
                }
                case 11 -> {
                    if (!is(keyOff, 'I', 'n', 'c', 'a', 'r', 'n', 'a', 't', 'i', 'o', 'n')
                            || (incarnation = readUint(end)) < 0
                            || incarnation > 0xffffffffL) {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return node != null && incarnation >= 0 && port >= 0 && addrOff >= 0;
    }

    private boolean is(int off, char... key) {
        for (int i = 0; i < key.length; i++) {
            if (buf[off + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    /** Length of the string the last {@link #readRaw} found. */
    private int rawLen;

    private static final int ERROR = -1;
    private static final int NIL = -2;

    /**
     * A str or bin at {@link #pos}: its payload's offset (length in {@link #rawLen}), {@link #NIL}
     * for nil, or {@link #ERROR}.
     */
    private int readRaw(int end) {
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
    private long readUint(int end) {
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
