package dev.memberlist.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Our mutable view of one node (Go's {@code nodeState}). Touched only on the node's strand;
 * readers on other threads see the immutable {@link Node} published from it.
 */
final class NodeRecord {
    final String name;
    byte[] addr;
    int port;
    byte[] meta;
    /** Shared and never written to: see {@link #setVsn}. */
    byte[] vsn = ZERO_VSN;

    long incarnation;
    NodeState state;
    long stateChange;
    /** What readers on any thread see; null until first published. */
    volatile Node view;
    /** The state last published, for the per-state counts. Strand only. */
    NodeState publishedState;

    private static final byte[] ZERO_VSN = new byte[6];
    /** Version arrays seen, one instance per distinct value; clusters have a handful. */
    private static final Map<Long, byte[]> VSNS = new ConcurrentHashMap<>();

    private static final int MAX_SHARED_VSNS = 64;

    NodeRecord(String name, byte[] addr, int port, byte[] meta, NodeState state) {
        this.name = name;
        this.addr = addr;
        this.port = port;
        this.meta = meta;
        this.state = state;
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

    /**
     * Takes the first six bytes of {@code v}. Every record with the same versions shares one
     * array, as do their published views: a node holds a record of every member, and at
     * thousands of members in one JVM a 6-byte array each (24 bytes on the heap) adds up.
     */
    void setVsn(byte[] v) {
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
        vsn = shared;
    }

    boolean deadOrLeft() {
        return state.deadOrLeft();
    }

    /**
     * The immutable view of this record. It shares the record's arrays: addr and meta are
     * replaced, never written to, and vsn is shared and never written to.
     */
    Node toNode() {
        return Node.shared(name, addr, port, meta, state, incarnation, vsn);
    }

    /** The socket address, or null when the advertised bytes are not an IP. */
    InetSocketAddress socketAddress() {
        return socketAddress(addr, port);
    }

    Address fullAddress() {
        InetSocketAddress sa = socketAddress();
        return sa == null ? null : new Address(sa, name);
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
