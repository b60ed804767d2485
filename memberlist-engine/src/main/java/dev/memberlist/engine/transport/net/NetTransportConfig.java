package dev.memberlist.engine.transport.net;

import io.netty.channel.EventLoopGroup;
import io.netty.util.NetUtil;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link NetTransport} binds (Go's {@code NetTransportConfig}).
 *
 * @param bindAddrs IP literals to bind UDP and TCP to, all on the same port; the first one also
 *     sends every datagram (in TCP mode, is the local address of every packet connection)
 * @param bindPort the port, or 0 to let the OS pick a free one
 * @param eventLoopGroup the Netty group to run on, or null for one group shared by every
 *     transport in the JVM; a supplied group is never shut down by the transport
 * @param connectTimeout used by {@link NetTransport#dialAddress} when the caller gives no timeout
 * @param maxInboundStreams how many streams peers may hold open to us at once; past it a new
 *     one is closed at once and reported to {@link dev.memberlist.engine.transport.TransportListener#onStreamShed}
 * @param mode how packets travel: UDP datagrams (the default, Go's way) or frames on TCP
 *     connections with no UDP socket bound ({@link TransportMode#TCP})
 * @param packetIdleTimeout in {@link TransportMode#TCP} mode, how long an outbound packet
 *     connection may go without a packet before it is closed (the next packet reopens it); an
 *     inbound one is closed after twice this without a frame
 * @param maxPacketConnections in {@link TransportMode#TCP} mode, how many outbound packet
 *     connections may be open or opening at once, and separately how many inbound ones; past it
 *     a packet to a new peer is dropped, or a new inbound connection closed, and counted
 * @param tls TLS on every TCP connection, or null for plain TCP (see {@link NetTls})
 */
public record NetTransportConfig(
        List<String> bindAddrs,
        int bindPort,
        EventLoopGroup eventLoopGroup,
        Duration connectTimeout,
        int maxInboundStreams,
        TransportMode mode,
        Duration packetIdleTimeout,
        int maxPacketConnections,
        NetTls tls) {

    /** Go memberlist's default TCP timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Inbound streams open at once, by default: far above what a healthy node sees (Go refuses a
     * 128th concurrent push-pull), far below what exhausts a process's descriptors.
     */
    public static final int DEFAULT_MAX_INBOUND_STREAMS = 512;

    /**
     * Idle outbound packet connections close after this, by default: far longer than a member
     * goes without hearing from a peer in a small cluster (probes and gossip reach each of N
     * peers about every N/15 s), so a working connection is not torn down and reopened.
     */
    public static final Duration DEFAULT_PACKET_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Packet connections each way, by default: more peers than are contacted within one idle
     * timeout in clusters of a few thousand members.
     */
    public static final int DEFAULT_MAX_PACKET_CONNECTIONS = 4096;

    public NetTransportConfig {
        bindAddrs = List.copyOf(bindAddrs);
        if (bindAddrs.isEmpty()) {
            // as in Go: later code may assume one listener of each kind
            throw new IllegalArgumentException("At least one bind address is required");
        }
        for (String a : bindAddrs) {
            if (!isIpLiteral(a)) {
                throw new IllegalArgumentException("bind address '" + a + "' is not an IP literal");
            }
        }
        if (bindPort < 0 || bindPort > 65535) {
            throw new IllegalArgumentException("bindPort must be in [0, 65535], got " + bindPort);
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
        }
        if (maxInboundStreams < 1) {
            throw new IllegalArgumentException("maxInboundStreams must be at least 1, got " + maxInboundStreams);
        }
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(packetIdleTimeout, "packetIdleTimeout");
        if (packetIdleTimeout.isNegative() || packetIdleTimeout.isZero()) {
            throw new IllegalArgumentException("packetIdleTimeout must be positive, got " + packetIdleTimeout);
        }
        if (maxPacketConnections < 1) {
            throw new IllegalArgumentException("maxPacketConnections must be at least 1, got " + maxPacketConnections);
        }
    }

    /** Plain TCP: the fields this record had before TLS. */
    public NetTransportConfig(
            List<String> bindAddrs,
            int bindPort,
            EventLoopGroup eventLoopGroup,
            Duration connectTimeout,
            int maxInboundStreams,
            TransportMode mode,
            Duration packetIdleTimeout,
            int maxPacketConnections) {
        this(
                bindAddrs,
                bindPort,
                eventLoopGroup,
                connectTimeout,
                maxInboundStreams,
                mode,
                packetIdleTimeout,
                maxPacketConnections,
                null);
    }

    /** UDP mode with the default packet connection settings: the fields this record first had. */
    public NetTransportConfig(
            List<String> bindAddrs,
            int bindPort,
            EventLoopGroup eventLoopGroup,
            Duration connectTimeout,
            int maxInboundStreams) {
        this(
                bindAddrs,
                bindPort,
                eventLoopGroup,
                connectTimeout,
                maxInboundStreams,
                TransportMode.UDP,
                DEFAULT_PACKET_IDLE_TIMEOUT,
                DEFAULT_MAX_PACKET_CONNECTIONS,
                null);
    }

    /** {@code 0.0.0.0}, a free port, the shared event loop group, a 10 s connect timeout, UDP packets. */
    public static NetTransportConfig defaults() {
        return builder().build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    static boolean isIpLiteral(String s) {
        // zones (fe80::1%eth0) are refused, as Go's net.ParseIP refuses them
        return s != null
                && s.indexOf('%') < 0
                && (NetUtil.isValidIpV4Address(s) || NetUtil.isValidIpV6Address(s))
                && !s.startsWith("[");
    }

    /** Builds a {@link NetTransportConfig}. */
    public static final class Builder {
        private List<String> bindAddrs = List.of("0.0.0.0");
        private int bindPort;
        private EventLoopGroup eventLoopGroup;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private int maxInboundStreams = DEFAULT_MAX_INBOUND_STREAMS;
        private TransportMode mode = TransportMode.UDP;
        private Duration packetIdleTimeout = DEFAULT_PACKET_IDLE_TIMEOUT;
        private int maxPacketConnections = DEFAULT_MAX_PACKET_CONNECTIONS;
        private NetTls tls;

        private Builder() {}

        /** IP literals to bind to; {@code 0.0.0.0} by default. */
        public Builder bindAddrs(List<String> addrs) {
            this.bindAddrs = List.copyOf(addrs);
            return this;
        }

        /** IP literals to bind to; {@code 0.0.0.0} by default. */
        public Builder bindAddrs(String... addrs) {
            return bindAddrs(List.of(addrs));
        }

        /** The port; 0 (the default) picks a free one. */
        public Builder bindPort(int port) {
            this.bindPort = port;
            return this;
        }

        /** A group to run on instead of the shared one; the transport never shuts it down. */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.eventLoopGroup = group;
            return this;
        }

        /** The dial timeout when the caller gives none; 10 s by default. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** Streams peers may hold open to us at once; {@value NetTransportConfig#DEFAULT_MAX_INBOUND_STREAMS} by default. */
        public Builder maxInboundStreams(int max) {
            this.maxInboundStreams = max;
            return this;
        }

        /** How packets travel; {@link TransportMode#UDP} by default. */
        public Builder mode(TransportMode mode) {
            this.mode = mode;
            return this;
        }

        /** In TCP mode, when an idle outbound packet connection closes; 60 s by default. */
        public Builder packetIdleTimeout(Duration timeout) {
            this.packetIdleTimeout = timeout;
            return this;
        }

        /** In TCP mode, packet connections each way; {@value NetTransportConfig#DEFAULT_MAX_PACKET_CONNECTIONS} by default. */
        public Builder maxPacketConnections(int max) {
            this.maxPacketConnections = max;
            return this;
        }

        /** TLS on every TCP connection; null (the default) for plain TCP. */
        public Builder tls(NetTls tls) {
            this.tls = tls;
            return this;
        }

        /** The config; throws {@link IllegalArgumentException} for a value out of range. */
        public NetTransportConfig build() {
            return new NetTransportConfig(
                    bindAddrs,
                    bindPort,
                    eventLoopGroup,
                    connectTimeout,
                    maxInboundStreams,
                    mode,
                    packetIdleTimeout,
                    maxPacketConnections,
                    tls);
        }
    }
}
