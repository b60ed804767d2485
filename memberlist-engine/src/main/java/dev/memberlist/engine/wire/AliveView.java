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
 *
 * <p>The name is hashed and packed as it is read ({@link #nameHead0()}, {@link #nameHead1()}), and
 * its interned string looked up only when asked for ({@link #node()}): a node table finds the
 * member by those, and a stale message never needs the string. {@link PushStateReader} reads a
 * push-pull's node states with the same view, as each of those is an alive message too when its
 * state is alive, and the same check leaves out the ones the receiver has.
 */
public final class AliveView extends RawCursor {
    // each set by parse, which starts from "absent"
    private long incarnation;
    /** Resolved from the name's bytes on first use: the stale check does without it. */
    private String node;

    private int nameOff;
    private int nameLen;
    /** The hash of the name's bytes, {@link String#hashCode()}'s for an ASCII name. */
    private int nameHash;
    /** The name's length and first 15 bytes, as {@link #nameHead0()} and {@link #nameHead1()} tell. */
    private long head0;

    private long head1;
    /** Whether every byte of the name is ASCII: then its bytes are its chars. */
    private boolean nameAscii;

    private int addrOff;
    private int addrLen;
    private int port;
    private int vsnOff;
    private int vsnLen;
    private int metaOff;
    private int metaLen;
    /** A push-pull node state's state (0 alive), 0 for an alive message. */
    private int state;

    /** The view {@link #reading} hands out on this thread. */
    private static final ThreadLocal<AliveView> REUSED = ThreadLocal.withInitial(() -> new AliveView(null));

    private AliveView(byte[] buf) {
        super(buf);
    }

    /**
     * Reads the body of an alive message ({@code buf[off, off + len)}, after its type byte).
     *
     * @return the view, or null when the message is not of the plain shape
     */
    public static AliveView read(byte[] buf, int off, int len) {
        AliveView v = new AliveView(buf);
        return v.parse(off, off + len, false) ? v : null;
    }

    /**
     * {@link #read}, into this thread's one view: valid until the thread's next call. For the
     * packet reader, which checks a view and drops it (or copies it out with {@link #toAlive()})
     * before it reads the next: a view a message was most of what reading gossip allocated.
     */
    public static AliveView reading(byte[] buf, int off, int len) {
        AliveView v = REUSED.get();
        v.buf = buf;
        return v.parse(off, off + len, false) ? v : null;
    }

    /** The incarnation. */
    public long incarnation() {
        return incarnation;
    }

    /** The node's name, interned. */
    public String node() {
        String n = node;
        if (n == null && nameLen == 0) {
            node = n = "";
        } else if (n == null) {
            node = n =
                    Names.entry(buf, nameOff, nameLen, nameHash, head0, head1).name();
        }
        return n;
    }

    /** The {@link String#hashCode()} of {@link #node()}, for an ASCII name known without reading the string. */
    public int nodeHash() {
        return nameAscii ? nameHash : node().hashCode();
    }

    /**
     * True when the name is ASCII: then {@link #nodeHash()}, {@link #nameHead0()}, {@link
     * #nameHead1()} and {@link #nameTailIs} tell it apart from another without a lookup of its
     * string, which is one or two cache misses a message in a JVM of thousands of names.
     */
    public boolean nameAscii() {
        return nameAscii;
    }

    /** The name's length (its low 8 bits) and its first seven bytes, packed as {@link #nameHeads} packs them. */
    public long nameHead0() {
        return head0;
    }

    /** The name's bytes 7 to 14, packed as {@link #nameHeads} packs them. */
    public long nameHead1() {
        return head1;
    }

    /**
     * True when an ASCII name whose {@link #nameHeads} are this name's is this name: compares the
     * bytes past the first 15, if any.
     */
    public boolean nameTailIs(String name) {
        int len = nameLen;
        if (len <= Names.HEAD) {
            return true;
        }
        if (name.length() != len) {
            return false;
        }
        for (int i = Names.HEAD; i < len; i++) {
            if (name.charAt(i) != buf[nameOff + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The heads of {@code name} as a view of a message naming it has them ({@link #nameHead0()},
     * {@link #nameHead1()}), or {@code {-1, -1}} for a name that is not ASCII, which no view's
     * heads match.
     */
    public static long[] nameHeads(String name) {
        int len = name.length();
        long h0 = len & 0xff;
        long h1 = 0;
        for (int i = 0; i < len; i++) {
            char c = name.charAt(i);
            if (c > 0x7f) {
                return new long[] {-1, -1};
            }
            if (i < 7) {
                h0 |= (long) c << (8 * (i + 1));
            } else if (i < Names.HEAD) {
                h1 |= (long) c << (8 * (i - 7));
            }
        }
        return new long[] {h0, h1};
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** The state of a push-pull node state ({@code 0} alive); 0 for an alive message. */
    public int state() {
        return state;
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

    /**
     * The address and port as one number ({@link #addressKey}), or -1 when the address is not
     * four bytes.
     */
    public long addressKey() {
        return addressKey(buf, addrOff, addrLen, port);
    }

    /**
     * An IPv4 address and a port as one number, for comparing an address without reading the
     * array it is kept in; -1 for an address of another length (never the key of one of four).
     */
    public static long addressKey(byte[] addr, int off, int len, int port) {
        if (len != 4 || off < 0) {
            return -1;
        }
        return (addr[off] & 0xffL) << 40
                | (addr[off + 1] & 0xffL) << 32
                | (addr[off + 2] & 0xffL) << 24
                | (addr[off + 3] & 0xffL) << 16
                | (port & 0xffff);
    }

    /** Length of the versions field, 0 when absent. */
    public int vsnLength() {
        return vsnLen;
    }

    /** Byte {@code i} of the versions field. */
    public int vsn(int i) {
        return buf[vsnOff + i] & 0xff;
    }

    /** The node state, as {@link MessageCodec#decodePushPull} gives it, when read by {@link #parse} as one. */
    PushNodeState toPushNodeState() {
        return new PushNodeState(
                node(), copy(addrOff, addrLen), port, copy(metaOff, metaLen), incarnation, state, copy(vsnOff, vsnLen));
    }

    /** The message, as {@link MessageCodec#decode} gives it: what to hand on when it is not stale. */
    public Alive toAlive() {
        return new Alive(
                incarnation, node(), copy(addrOff, addrLen), port, copy(metaOff, metaLen), copy(vsnOff, vsnLen));
    }

    private byte[] copy(int off, int len) {
        return off == NIL ? null : Arrays.copyOfRange(buf, off, off + len);
    }

    /** A view for {@link PushStateReader}, which points it at one node state after the other. */
    static AliveView forPushStates(byte[] buf) {
        return new AliveView(buf);
    }

    /**
     * Reads an alive message's body, or with {@code pushState} a push-pull node state (Go's {@code
     * pushNodeState}: Name for Node, a State, and every field optional, as the full decoder takes
     * it: an absent name is empty, an absent number 0, an absent address nil), from {@link #pos}
     * = {@code at}; {@link #pos} is then where it ends.
     *
     * @return false when it is not of the plain shape
     */
    boolean parse(int at, int end, boolean pushState) {
        incarnation = pushState ? 0 : -1;
        node = null;
        nameOff = pushState ? at : -1;
        nameLen = 0;
        nameHash = 0;
        head0 = 0;
        head1 = 0;
        nameAscii = true;
        state = 0;
        addrOff = pushState ? NIL : -1;
        addrLen = 0;
        port = pushState ? 0 : -1;
        vsnOff = NIL;
        vsnLen = 0;
        metaOff = NIL;
        metaLen = 0;
        pos = at;
        int entries = readMapHeader(end);
        if (entries < 0) {
            return false;
        }
        for (int i = 0; i < entries; i++) {
            int keyOff = readRaw(end);
            if (keyOff < 0) {
                return false;
            }
            int keyLen = rawLen;
            switch (keyLen) {
                case 3 -> {
                    if (!is(keyOff, VSN) || (vsnOff = readRaw(end)) == ERROR) {
                        return false;
                    }
                    vsnLen = vsnOff == NIL ? 0 : rawLen;
                }
                case 4 -> {
                    if (is(keyOff, pushState ? NAME : NODE)) {
                        int n = readRaw(end);
                        // a push state's name may be empty (the decoder takes it), an alive's not
                        if (n < 0 || (rawLen == 0 && !pushState)) {
                            return false;
                        }
                        readName(n, rawLen);
                    } else if (is(keyOff, ADDR)) {
                        // nil only in a push state, as the decoder takes it there
                        if ((addrOff = readRaw(end)) == ERROR || (addrOff == NIL && !pushState)) {
                            return false;
                        }
                        addrLen = addrOff == NIL ? 0 : rawLen;
                    } else if (is(keyOff, PORT)) {
                        long p = readUint(end);
                        if (p < 0 || p > 0xffff) {
                            return false;
                        }
                        port = (int) p;
                    } else if (is(keyOff, META)) {
                        if ((metaOff = readRaw(end)) == ERROR) {
                            return false;
                        }
                        metaLen = metaOff == NIL ? 0 : rawLen;
                    } else {
                        return false;
                    }
                }
                case 5 -> {
                    long s;
                    if (!pushState || !is(keyOff, STATE) || (s = readUint(end)) < 0 || s > Integer.MAX_VALUE) {
                        return false;
                    }
                    state = (int) s;
                }
                case 11 -> {
                    if (!is(keyOff, INCARNATION) || (incarnation = readUint(end)) < 0 || incarnation > 0xffffffffL) {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return pushState || (nameOff >= 0 && incarnation >= 0 && port >= 0 && addrOff >= 0);
    }

    /** Hashes and packs the name's bytes in one pass, as {@link Names} does, for the lookups without its string. */
    private void readName(int off, int len) {
        int h = 0;
        long h0 = len & 0xff;
        long h1 = 0;
        int high = 0;
        for (int i = 0; i < len; i++) {
            byte b = buf[off + i];
            h = 31 * h + b;
            high |= b;
            if (i < 7) {
                h0 |= (b & 0xffL) << (8 * (i + 1));
            } else if (i < Names.HEAD) {
                h1 |= (b & 0xffL) << (8 * (i - 7));
            }
        }
        nameOff = off;
        nameLen = len;
        nameHash = h;
        head0 = h0;
        head1 = h1;
        nameAscii = high >= 0;
    }
}
