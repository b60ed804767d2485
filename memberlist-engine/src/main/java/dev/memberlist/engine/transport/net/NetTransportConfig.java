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
 *     sends every datagram
 * @param bindPort the port, or 0 to let the OS pick a free one
 * @param eventLoopGroup the Netty group to run on, or null for one group shared by every
 *     transport in the JVM; a supplied group is never shut down by the transport
 * @param connectTimeout used by {@link NetTransport#dialAddress} when the caller gives no timeout
 * @param maxInboundStreams how many streams peers may hold open to us at once; past it a new
 *     one is closed at once and reported to {@link dev.memberlist.engine.transport.TransportListener#onStreamShed}
 */
public record NetTransportConfig(
        List<String> bindAddrs,
        int bindPort,
        EventLoopGroup eventLoopGroup,
        Duration connectTimeout,
        int maxInboundStreams) {

    /** Go memberlist's default TCP timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Inbound streams open at once, by default: far above what a healthy node sees (Go refuses a
     * 128th concurrent push-pull), far below what exhausts a process's descriptors.
     */
    public static final int DEFAULT_MAX_INBOUND_STREAMS = 512;

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
    }

    /** {@code 0.0.0.0}, a free port, the shared event loop group, a 10 s connect timeout. */
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

        public NetTransportConfig build() {
            return new NetTransportConfig(bindAddrs, bindPort, eventLoopGroup, connectTimeout, maxInboundStreams);
        }
    }
}
