package dev.memberlist.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Our mutable view of one node (Go's {@code nodeState}). Touched only on the protocol
 * thread; readers on other threads see the immutable {@link Node} published from it.
 */
final class NodeRecord {
    final String name;
    byte[] addr;
    int port;
    byte[] meta;
    final byte[] vsn = new byte[6];
    long incarnation;
    NodeState state;
    long stateChange;

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

    void setVsn(byte[] v) {
        System.arraycopy(v, 0, vsn, 0, 6);
    }

    boolean deadOrLeft() {
        return state.deadOrLeft();
    }

    /** The immutable view of this record. */
    Node toNode() {
        return new Node(name, addr, port, meta, state, incarnation, vsn);
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
