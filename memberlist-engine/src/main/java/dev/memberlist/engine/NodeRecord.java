package dev.memberlist.engine;

import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.AliveView;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.PushNodeState;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a node holds about one member (Go's {@code nodeState}), immutable: a change of state is a
 * new record that replaces the old one in the {@link NodeMap}. Readers on any thread see a record
 * whole, and its published {@link #view()}.
 *
 * <p><b>Shared alive records.</b> Every node holds a record of every member, so n nodes in one
 * JVM (a simulation, a peer of many nodes) hold n² records, nearly all of them alive and
 * identical from one holder to the next. {@link #alive} hands out one record per distinct
 * content, shared by every holder in the JVM, as long as one holds it (the registry refers to
 * it weakly). Nothing in a record depends on its holder: the time the holder saw its state
 * change (Go's {@code StateChange}) is kept beside it in the holder's {@link NodeMap}.
 */
final class NodeRecord {
    final String name;
    /** Replaced, never written to: the view shares it. */
    final byte[] addr;

    final int port;
    /** Replaced, never written to: the view shares it. */
    final byte[] meta;
    /** Six bytes, shared by every record with the same versions and never written to. */
    final byte[] vsn;

    final long incarnation;
    final NodeState state;
    /**
     * {@link #addr} and {@link #port} as one number ({@link AliveView#addressKey}), -1 when the
     * address is not IPv4: every alive message received is checked against its record's address,
     * and the record's fields lie in one cache line where its address array is another.
     */
    final long addressKey;
    /**
     * The name's length and first 15 bytes as an alive message's view packs them ({@link
     * AliveView#nameHeads}): the stale check of a message compares them here, in the record it
     * reads anyway, rather than looking up the message's name string first. -1 when the name is
     * not ASCII.
     */
    final long nameHead0;

    final long nameHead1;

    /** Created on first use; racy but safe, as a {@link Node} is immutable. */
    private Node view;
    /** Created on first use, like {@link #view}; null while not computed or not an IP. */
    private Address fullAddress;
    /** Created on first use, like {@link #view}: the alive message of this record, to gossip. */
    private MemberlistBroadcast aliveBroadcast;
    /**
     * Created on first use: this record as a push-pull node state, encoded. Volatile, as an array
     * has no final fields to publish its contents with.
     */
    private volatile byte[] pushState;

    private static final byte[] ZERO_VSN = new byte[6];
    /** Version arrays seen, one instance per distinct value; clusters have a handful. */
    private static final Map<Long, byte[]> VSNS = new ConcurrentHashMap<>();

    private static final int MAX_SHARED_VSNS = 64;
    /**
     * The version array last handed out: a cluster speaks one set of versions, and a joiner takes
     * in thousands of members at once, each a lookup with a boxed key otherwise.
     */
    private static volatile byte[] lastVsn = ZERO_VSN;

    /** The latest alive record made for each name, weakly: see the class comment. */
    private static final Map<String, Shared> ALIVE = new ConcurrentHashMap<>();

    private static final ReferenceQueue<NodeRecord> CLEARED = new ReferenceQueue<>();

    private static final class Shared extends WeakReference<NodeRecord> {
        final String name;

        Shared(NodeRecord r) {
            super(r, CLEARED);
            this.name = r.name;
        }
    }

    private NodeRecord(String name, byte[] addr, int port, byte[] meta, byte[] vsn, long incarnation, NodeState state) {
        this.name = name;
        this.addr = addr;
        this.port = port;
        this.meta = meta;
        this.vsn = vsn;
        this.incarnation = incarnation;
        this.state = state;
        this.addressKey = addr == null ? -1 : AliveView.addressKey(addr, 0, addr.length, port);
        long[] heads = AliveView.nameHeads(name);
        this.nameHead0 = heads[0];
        this.nameHead1 = heads[1];
    }

    /** True when this record is of the node the view's message is about: its name is ASCII and the same. */
    boolean isOf(AliveView v) {
        return nameHead0 == v.nameHead0() && nameHead1 == v.nameHead1() && v.nameTailIs(name);
    }

    /**
     * The record of a node heard of for the first time: dead, incarnation 0, so that the alive
     * message that introduced it makes it join. Keeps the first six bytes of {@code vsn} when it
     * has them.
     */
    static NodeRecord discovered(String name, byte[] addr, int port, byte[] meta, byte[] vsn) {
        byte[] v = vsn != null && vsn.length > 5 ? sharedVsn(vsn) : ZERO_VSN;
        return new NodeRecord(name, addr, port, meta, v, 0, NodeState.DEAD);
    }

    /**
     * An alive record, the one already made for this content if some node in the JVM still
     * holds it.
     *
     * @param vsn six bytes, from {@link #sharedVsn} or another record
     */
    static NodeRecord alive(String name, long incarnation, byte[] addr, int port, byte[] meta, byte[] vsn) {
        Shared ref = ALIVE.get(name);
        NodeRecord r = ref == null ? null : ref.get();
        if (r != null
                && r.incarnation == incarnation
                && r.port == port
                && Arrays.equals(r.addr, addr)
                && sameBytes(r.meta, meta)
                && Arrays.equals(r.vsn, vsn)) {
            return r;
        }
        r = new NodeRecord(name, addr, port, meta, vsn, incarnation, NodeState.ALIVE);
        ALIVE.put(name, new Shared(r));
        expungeCleared();
        return r;
    }

    /**
     * A record made up by a test, as Go's tests build a {@code nodeState}: not shared.
     *
     * @param vsn the versions, null for zeros
     */
    static NodeRecord of(
            String name, byte[] addr, int port, byte[] meta, byte[] vsn, long incarnation, NodeState state) {
        return new NodeRecord(name, addr, port, meta, vsn == null ? ZERO_VSN : sharedVsn(vsn), incarnation, state);
    }

    /** This record with another incarnation and state. */
    NodeRecord withState(long incarnation, NodeState state) {
        if (state == NodeState.ALIVE) {
            return alive(name, incarnation, addr, port, meta, vsn);
        }
        return new NodeRecord(name, addr, port, meta, vsn, incarnation, state);
    }

    /** The marker {@link NodeMap} leaves where a record was removed. */
    static NodeRecord tombstone() {
        return new NodeRecord("", new byte[0], 0, null, ZERO_VSN, 0, NodeState.DEAD);
    }

    /**
     * The first six bytes of {@code v}, as an array that every record with the same versions
     * shares, as do their published views: at thousands of members in one JVM a 6-byte array
     * each (24 bytes on the heap) adds up.
     */
    static byte[] sharedVsn(byte[] v) {
        byte[] last = lastVsn;
        if (Arrays.equals(last, 0, 6, v, 0, 6)) {
            return last;
        }
        long key = 0;
        for (int i = 0; i < 6; i++) {
            key = key << 8 | (v[i] & 0xff);
        }
        byte[] shared = VSNS.get(key);
        if (shared == null) {
            shared = Arrays.copyOf(v, 6);
            if (VSNS.size() < MAX_SHARED_VSNS) {
                byte[] raced = VSNS.putIfAbsent(key, shared);
                if (raced != null) {
                    shared = raced;
                }
            }
        }
        lastVsn = shared;
        return shared;
    }

    private static void expungeCleared() {
        for (Object o; (o = CLEARED.poll()) != null; ) {
            Shared s = (Shared) o;
            ALIVE.remove(s.name, s);
        }
    }

    /** Exact equality, null apart from empty: a view hands back null or an empty array as received. */
    private static boolean sameBytes(byte[] a, byte[] b) {
        return a == null ? b == null : b != null && Arrays.equals(a, b);
    }

    int pMin() {
        return vsn[0] & 0xff;
    }

    int pMax() {
        return vsn[1] & 0xff;
    }

    int pCur() {
        return vsn[2] & 0xff;
    }

    int dMin() {
        return vsn[3] & 0xff;
    }

    int dMax() {
        return vsn[4] & 0xff;
    }

    int dCur() {
        return vsn[5] & 0xff;
    }

    boolean deadOrLeft() {
        return state.deadOrLeft();
    }

    /**
     * The immutable view of this record, for readers on any thread. It shares the record's
     * arrays: addr and meta are replaced, never written to, and vsn is shared and never written to.
     */
    Node view() {
        Node v = view;
        if (v == null) {
            view = v = Node.shared(name, addr, port, meta, state, incarnation, vsn);
        }
        return v;
    }

    /**
     * The alive message that says what this record says, as a broadcast with nothing to notify,
     * made once and queued by every node that learns of it. Alive records only.
     */
    MemberlistBroadcast aliveBroadcast() {
        MemberlistBroadcast b = aliveBroadcast;
        if (b == null) {
            byte[] msg = MessageCodec.encode(new Alive(incarnation, name, addr, port, meta, vsn));
            // racy but safe: its fields are final (notify is null and volatile), every thread makes an equal one
            aliveBroadcast = b = new MemberlistBroadcast(name, msg, null);
        }
        return b;
    }

    /**
     * This record as Go's {@code pushNodeState}, encoded once and then reused by every push-pull
     * that sends it (an alive record is shared by every holder in the JVM): a node of a large
     * cluster sends thousands of members in each exchange, and they rarely change between two.
     * Any thread; racy but safe, as every thread encodes the same bytes.
     */
    byte[] pushState() {
        byte[] b = pushState;
        if (b == null) {
            pushState = b =
                    MessageCodec.encodeBody(new PushNodeState(name, addr, port, meta, incarnation, state.code(), vsn));
        }
        return b;
    }

    /** The socket address, or null when the advertised bytes are not an IP. */
    InetSocketAddress socketAddress() {
        return socketAddress(addr, port);
    }

    /** Where to send to this node, or null when the advertised bytes are not an IP. */
    Address fullAddress() {
        Address a = fullAddress;
        if (a == null) {
            InetSocketAddress sa = socketAddress();
            if (sa == null) {
                return null;
            }
            // racy but safe: an Address is immutable, and every thread computes an equal one
            fullAddress = a = new Address(sa, name);
        }
        return a;
    }

    static InetSocketAddress socketAddress(byte[] addr, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(addr), port);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }

    static boolean sameAddress(byte[] a, int aPort, byte[] b, int bPort) {
        return aPort == bPort && Arrays.equals(a, b);
    }

    @Override
    public String toString() {
        return name + "(" + state + ", inc " + incarnation + ")";
    }
}
