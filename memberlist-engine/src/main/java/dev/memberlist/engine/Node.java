package dev.memberlist.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable view of one member: what Go's {@code memberlist.Node} holds, plus the real
 * {@link #state()} and the {@link #incarnation()}.
 *
 * <p>Unlike Go, where {@code Node.State} is shadowed and always reads Alive (hashicorp/memberlist#266),
 * {@link #state()} here is the state the observing node holds.
 *
 * <p>{@link #addr()} keeps the raw bytes as received (4 bytes, or 16 for IPv6 and for the
 * IPv4-mapped form Go nodes bound to 0.0.0.0 advertise), because Go compares addresses byte
 * by byte and re-emitting another form would look like an address conflict.
 */
public final class Node {
    private final String name;
    private final byte[] addr;
    private final int port;
    private final byte[] meta;
    private final NodeState state;
    private final long incarnation;
    private final byte[] vsn;

    /**
     * @param name node name
     * @param addr raw IP bytes, 4 or 16
     * @param port UDP and TCP port
     * @param meta metadata, may be null
     * @param state the state the observer holds
     * @param incarnation last known incarnation (unsigned 32-bit)
     * @param vsn the six protocol bytes {@code pmin, pmax, pcur, dmin, dmax, dcur}
     */
    public Node(String name, byte[] addr, int port, byte[] meta, NodeState state, long incarnation, byte[] vsn) {
        this.name = Objects.requireNonNull(name, "name");
        this.addr = addr == null ? new byte[0] : addr.clone();
        this.port = port;
        this.meta = meta == null ? null : meta.clone();
        this.state = Objects.requireNonNull(state, "state");
        this.incarnation = incarnation;
        this.vsn = vsn == null ? new byte[6] : Arrays.copyOf(vsn, 6);
    }

    /** For views the engine publishes: the arrays are the engine's own and never change. */
    private Node(
            String name,
            byte[] addr,
            int port,
            byte[] meta,
            NodeState state,
            long incarnation,
            byte[] vsn,
            boolean trusted) {
        this.name = name;
        this.addr = addr;
        this.port = port;
        this.meta = meta;
        this.state = state;
        this.incarnation = incarnation;
        this.vsn = vsn;
    }

    /**
     * A view sharing the given arrays, which the caller must never change: a node holds a view
     * of every member, so at thousands of members in one JVM copies of each array add up.
     */
    static Node shared(String name, byte[] addr, int port, byte[] meta, NodeState state, long incarnation, byte[] vsn) {
        return new Node(
                Objects.requireNonNull(name, "name"),
                addr == null ? new byte[0] : addr,
                port,
                meta,
                Objects.requireNonNull(state, "state"),
                incarnation,
                vsn != null && vsn.length == 6 ? vsn : vsn == null ? new byte[6] : Arrays.copyOf(vsn, 6),
                true);
    }

    /** The node's unique name. */
    public String name() {
        return name;
    }

    /** Raw IP bytes as advertised (a copy). */
    public byte[] addr() {
        return addr.clone();
    }

    /** The advertised IP, or null when the bytes are not an IP address. */
    public InetAddress inetAddress() {
        try {
            return InetAddress.getByAddress(addr);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The advertised port. */
    public int port() {
        return port;
    }

    /** Node metadata (a copy), or null when the node has none. */
    public byte[] meta() {
        return meta == null ? null : meta.clone();
    }

    /** Metadata decoded as UTF-8, empty when absent. */
    public String metaString() {
        return meta == null ? "" : new String(meta, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The state the observing node holds for this member. */
    public NodeState state() {
        return state;
    }

    /** Last known incarnation number. */
    public long incarnation() {
        return incarnation;
    }

    /** Minimum protocol version this node understands. */
    public int pMin() {
        return vsn[0] & 0xff;
    }

    /** Maximum protocol version this node understands. */
    public int pMax() {
        return vsn[1] & 0xff;
    }

    /** Protocol version this node speaks. */
    public int pCur() {
        return vsn[2] & 0xff;
    }

    /** Minimum delegate protocol version. */
    public int dMin() {
        return vsn[3] & 0xff;
    }

    /** Maximum delegate protocol version. */
    public int dMax() {
        return vsn[4] & 0xff;
    }

    /** Delegate protocol version spoken. */
    public int dCur() {
        return vsn[5] & 0xff;
    }

    /** The six version bytes, as sent in alive messages (a copy). */
    public byte[] vsn() {
        return vsn.clone();
    }

    /** {@code host:port}, as Go's {@code Node.Address()}. */
    public String address() {
        InetAddress ip = inetAddress();
        return joinHostPort(ip == null ? "?" : ip.getHostAddress(), port);
    }

    /** Where to send to this node. */
    public Address fullAddress() {
        return new Address(new InetSocketAddress(inetAddress(), port), name);
    }

    /** A copy of this view with another state. */
    public Node withState(NodeState newState) {
        return new Node(name, addr, port, meta, Objects.requireNonNull(newState, "state"), incarnation, vsn, true);
    }

    /** Go's net.JoinHostPort: brackets around IPv6 literals. */
    static String joinHostPort(String host, int port) {
        int zone = host.indexOf('%');
        String h = zone >= 0 ? host.substring(0, zone) : host;
        return h.indexOf(':') >= 0 ? "[" + h + "]:" + port : h + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Node n
                && name.equals(n.name)
                && Arrays.equals(addr, n.addr)
                && port == n.port
                && Membership.bytesEqual(meta, n.meta)
                && state == n.state
                && incarnation == n.incarnation
                && Arrays.equals(vsn, n.vsn);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, port, state, incarnation);
    }

    @Override
    public String toString() {
        return name + "(" + address() + ", " + state.name().toLowerCase(java.util.Locale.ROOT) + ", inc " + incarnation
                + ")";
    }
}
