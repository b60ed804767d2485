package dev.memberlist.engine.transport.net;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.transport.AdvertiseAddress;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.transport.Transport;
import dev.memberlist.engine.transport.TransportListener;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real transport: UDP for packets and TCP for streams, on Netty NIO (Go's
 * {@code NetTransport}). Every bind address gets a UDP socket and a TCP listener on the same
 * port; datagrams are sent from the first UDP socket, so their source port is the bind port.
 *
 * <p>In {@link TransportMode#TCP} mode no UDP socket is bound: packets go as frames over
 * persistent TCP connections ({@link PacketFraming}, {@link PacketConnections}), and the listener
 * tells an incoming packet connection from a stream by its first byte ({@link InboundSniffer}).
 * A packet is delivered with the sender's IP as TCP saw it and the port it advertises, as a
 * datagram from its bind port would be.
 *
 * <p>With {@link NetTransportConfig#tls() TLS} every TCP connection, stream or packet connection,
 * starts with a handshake ({@link NetTls}); a connection is handed on only once it succeeded,
 * so a plaintext or untrusted peer never reaches the protocol. UDP datagrams are not covered.
 *
 * <p>The listener and stream readers are called on Netty event loop threads and must hand off
 * at once. {@link #start} and {@link #shutdown} block briefly, so call them from other threads.
 */
public final class NetTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(NetTransport.class);

    /** Streams peers hold open to us now (in TCP mode, also connections not yet identified). */
    private final AtomicInteger inboundStreams = new AtomicInteger();

    /** Packet connections peers hold open to us now (TCP mode). */
    private final AtomicInteger inboundPacketConnections = new AtomicInteger();

    private volatile TransportListener listener;

    /** Go's udpPacketBufSize: the largest datagram read whole. */
    static final int UDP_PACKET_BUF_SIZE = 65536;

    /** Go's udpRecvBufSize: the socket receive buffer tried first, halved until accepted. */
    static final int UDP_RECV_BUF_SIZE = 2 * 1024 * 1024;

    /** Free ports tried when the OS-picked UDP port is taken for TCP (Go retries 10 times too). */
    static final int AUTO_BIND_ATTEMPTS = 10;

    private static final long SHUTDOWN_WAIT_MILLIS = 5_000;

    /**
     * Traffic counted the way the reference Go peer counts it: datagrams and their bytes, plus
     * the bytes of streams (which are not counted as packets). Bytes out are counted once written.
     */
    public record Stats(long bytesOut, long bytesIn, long pktsOut, long pktsIn) {}

    private final NetTransportConfig config;
    private final EventLoopGroup group;
    private final TrafficCounters counters = new TrafficCounters();
    private final PacketCounters packetCounters = new PacketCounters();
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean shutdown = new AtomicBoolean();

    // published by start() once everything is bound; volatile for other threads
    /** The UDP sockets, written to directly (see {@link UdpChannel}); Netty reads them. */
    private volatile List<java.nio.channels.DatagramChannel> udpSockets = List.of();

    private volatile List<Channel> tcpListeners = List.of();
    private volatile int boundPort = -1;
    private volatile StreamHandler streamHandler;

    /** The TLS layer, or null for plain TCP; set by start() before anything is bound. */
    private volatile TlsHandshakes tls;

    /** TCP mode: the outbound packet connections, once bound. */
    private volatile PacketConnections packetConnections;

    /** What {@link #finalAdvertiseAddr} last returned: named in the hello of packet connections. */
    private volatile AdvertiseAddress advertised;

    /** A transport that binds on {@link #start}. */
    public NetTransport(NetTransportConfig config) {
        this.config = config;
        EventLoopGroup supplied = config.eventLoopGroup();
        this.group = supplied != null ? supplied : SharedEventLoopGroup.get();
    }

    /**
     * Binds every address, UDP then TCP on the same port. With port 0 the OS picks the UDP port;
     * when that port is taken for TCP, everything is closed and another is tried.
     *
     * @throws IOException naming the address and port that could not be bound
     */
    @Override
    public void start(TransportListener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("NetTransport already started");
        }
        if (shutdown.get()) {
            throw new IOException("NetTransport is shut down");
        }
        this.listener = listener;
        if (config.tls() != null) {
            tls = new TlsHandshakes(checked(config.tls()), listener);
        }
        PacketHandler packets = new PacketHandler(listener, counters);
        StreamHandler streams = new StreamHandler(listener, counters);
        int attempts = config.bindPort() == 0 ? AUTO_BIND_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                bindAll(packets, streams);
                if (config.mode() == TransportMode.TCP) {
                    packetConnections = new PacketConnections(
                            group, config, counters, packetCounters, this::hello, localIp(), this::track, tls);
                }
                streamHandler = streams; // dialing works from now on
                return;
            } catch (AutoPortTakenException e) {
                closeAll();
                if (attempt >= attempts) {
                    throw e.failure;
                }
                log.debug("{}; trying another port", e.failure.getMessage());
            } catch (IOException | RuntimeException e) {
                closeAll();
                throw e;
            }
        }
    }

    /** The port all listeners are bound to, the OS's pick when configured as 0. */
    public int getAutoBindPort() {
        int port = boundPort;
        if (port < 0) {
            throw new IllegalStateException("NetTransport is not bound");
        }
        return port;
    }

    /** Same as {@link #getAutoBindPort()}. */
    public int boundPort() {
        return getAutoBindPort();
    }

    /** Traffic so far. */
    public Stats stats() {
        return counters.snapshot();
    }

    /** How packets travel. */
    public TransportMode mode() {
        return config.mode();
    }

    /** UDP sockets bound: one a bind address in UDP mode, none in TCP mode. */
    public int udpSocketCount() {
        return udpSockets.size();
    }

    /**
     * What the packet connections did (all zero in UDP mode): opened, dropped packets by reason,
     * malformed or idle connections closed.
     */
    public PacketConnectionStats packetConnectionStats() {
        return packetCounters.snapshot();
    }

    /** Outbound packet connections open or opening now (0 in UDP mode). */
    public int packetConnectionCount() {
        PacketConnections p = packetConnections;
        return p == null ? 0 : p.size();
    }

    /** Whether every TCP connection is TLS. */
    public boolean isTls() {
        return config.tls() != null;
    }

    /**
     * TLS handshakes that failed so far, accepted or dialled (0 without TLS): untrusted or
     * plaintext peers, timeouts. Each peer address is logged once at WARN.
     */
    public long tlsHandshakeFailures() {
        TlsHandshakes t = tls;
        return t == null ? 0 : t.failures();
    }

    /** Exceptions thrown by the listener or readers, or raised by the sockets, so far. */
    public long errorCount() {
        return counters.errors();
    }

    /**
     * Go's {@code FinalAdvertiseAddr}. A given IP must be a literal and comes back with the given
     * port (the bound port if that is 0). Otherwise, when bound to the wildcard address, this is
     * the host's private address, as Go's {@code sockaddr.GetPrivateIP()} finds it, in 16 bytes
     * even for IPv4, as Go's {@code net.ParseIP} leaves it; else the first listener's address.
     * Both come with the bound port, whatever port is given, as in Go.
     */
    @Override
    public AdvertiseAddress finalAdvertiseAddr(String ip, int port) throws IOException {
        AdvertiseAddress a = chooseAdvertiseAddr(ip, port);
        advertised = a;
        return a;
    }

    private AdvertiseAddress chooseAdvertiseAddr(String ip, int port) throws IOException {
        if (ip != null && !ip.isEmpty()) {
            return new AdvertiseAddress(parseIp(ip).getAddress(), port > 0 ? port : getAutoBindPort());
        }
        if (parseIp(config.bindAddrs().get(0)).isAnyLocalAddress()) {
            Optional<InetAddress> privateIp = PrivateIp.find();
            if (privateIp.isEmpty()) {
                throw new IOException("No private IP address found, and explicit IP not provided");
            }
            return new AdvertiseAddress(PrivateIp.goParseIpBytes(privateIp.get()), getAutoBindPort());
        }
        List<Channel> listeners = tcpListeners;
        if (listeners.isEmpty()) {
            throw new IllegalStateException("NetTransport is not bound");
        }
        InetSocketAddress bound = (InetSocketAddress) listeners.get(0).localAddress();
        return new AdvertiseAddress(bound.getAddress().getAddress(), getAutoBindPort());
    }

    /**
     * Sends one datagram from the first UDP socket, at once, from the calling thread (see
     * {@link UdpChannel}). The future is complete on return; it fails (this never throws) once
     * shut down, when the destination is unreachable, or when the socket's send buffer is full.
     *
     * <p>In TCP mode the packet goes as a frame on the connection to that peer, opened if there
     * is none; the future is complete on return too, failed when the packet was dropped (see
     * {@link PacketConnectionStats}). A packet queued behind a connection that then fails is lost
     * silently, as a datagram would be.
     */
    @Override
    public CompletableFuture<Void> writeToAddress(byte[] buf, Address addr) {
        if (config.mode() == TransportMode.TCP) {
            return writeToConnection(buf, addr);
        }
        List<java.nio.channels.DatagramChannel> udp = udpSockets;
        if (shutdown.get() || udp.isEmpty()) {
            return CompletableFuture.failedFuture(new IOException("cannot send to " + addr.hostPort()
                    + ": NetTransport is " + (shutdown.get() ? "shut down" : "not started")));
        }
        InetSocketAddress target = addr.socketAddress();
        if (target.isUnresolved()) {
            return CompletableFuture.failedFuture(new UnknownHostException("unresolved address " + target));
        }
        try {
            if (!UdpChannel.send(udp.get(0), ByteBuffer.wrap(buf), target)) {
                counters.error();
                return CompletableFuture.failedFuture(
                        new IOException("cannot send to " + addr.hostPort() + ": UDP send buffer full"));
            }
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        counters.packetOut(buf.length);
        return SENT;
    }

    private CompletableFuture<Void> writeToConnection(byte[] buf, Address addr) {
        PacketConnections p = packetConnections;
        if (shutdown.get() || p == null) {
            return CompletableFuture.failedFuture(new IOException("cannot send to " + addr.hostPort()
                    + ": NetTransport is " + (shutdown.get() ? "shut down" : "not started")));
        }
        InetSocketAddress target = addr.socketAddress();
        if (target.isUnresolved()) {
            return CompletableFuture.failedFuture(new UnknownHostException("unresolved address " + target));
        }
        return p.send(buf, target);
    }

    /** The hello of a packet connection: the advertised address, else the bind address and port. */
    private ByteBuf hello() {
        AdvertiseAddress a = advertised;
        if (a != null) {
            return PacketFraming.hello(a.ip(), a.port());
        }
        InetSocketAddress bound = (InetSocketAddress) tcpListeners.get(0).localAddress();
        return PacketFraming.hello(bound.getAddress().getAddress(), getAutoBindPort());
    }

    /** The first bind address unless it is the wildcard: packet connections leave from it. */
    private InetAddress localIp() throws IOException {
        InetAddress ip = parseIp(config.bindAddrs().get(0));
        return ip.isAnyLocalAddress() ? null : ip;
    }

    /** Every successful send: sent is all UDP tells. */
    private static final CompletableFuture<Void> SENT = CompletableFuture.completedFuture(null);

    /**
     * Connects a TCP stream with {@code TCP_NODELAY}. A null or non-positive timeout means the
     * configured default. Refusal and timeout fail the future with an {@link IOException} that
     * names the address. With TLS the stream is handed out once its handshake succeeded, which
     * the same timeout bounds too; a failed handshake fails the future.
     */
    @Override
    public CompletableFuture<StreamConnection> dialAddress(Address addr, Duration timeout) {
        CompletableFuture<StreamConnection> result = new CompletableFuture<>();
        StreamHandler handler = streamHandler;
        if (shutdown.get() || handler == null) {
            result.completeExceptionally(new IOException("cannot dial " + addr.hostPort() + ": NetTransport is "
                    + (shutdown.get() ? "shut down" : "not started")));
            return result;
        }
        InetSocketAddress target = addr.socketAddress();
        if (target.isUnresolved()) {
            result.completeExceptionally(new UnknownHostException("unresolved address " + target));
            return result;
        }
        Duration t = timeout == null || timeout.isNegative() || timeout.isZero() ? config.connectTimeout() : timeout;
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, t.toMillis()));
        ChannelFuture connect = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        TlsHandshakes t = tls;
                        if (t != null) {
                            t.addClient(ch, target, millis);
                        }
                        initStream(ch, target, handler);
                    }
                })
                .connect(target);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                Channel ch = connect.channel();
                SslHandler ssl = ch.pipeline().get(SslHandler.class);
                if (ssl == null) {
                    result.complete(ch.attr(NetStreamConnection.KEY).get());
                    return;
                }
                ssl.handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        result.complete(ch.attr(NetStreamConnection.KEY).get());
                    } else {
                        ch.close();
                        result.completeExceptionally(new IOException(
                                "TLS handshake with " + addr.hostPort() + " failed: " + h.cause(), h.cause()));
                    }
                });
            } else {
                connect.channel().close();
                Throwable cause = f.cause();
                result.completeExceptionally(
                        new IOException("Failed to dial " + addr.hostPort() + ": " + cause.getMessage(), cause));
            }
        });
        return result;
    }

    /**
     * Closes every socket and stream, failing dials in progress, and waits a few seconds at most
     * for that. Idempotent. The event loop group is left running.
     */
    @Override
    public void shutdown() {
        if (!shutdown.compareAndSet(false, true)) {
            return;
        }
        closeAll();
        PacketConnections p = packetConnections;
        if (p != null) {
            p.clear();
        }
    }

    // ---- binding ----

    private void bindAll(PacketHandler packets, StreamHandler streams) throws IOException {
        List<DatagramChannel> udp = new ArrayList<>();
        List<Channel> tcp = new ArrayList<>();
        int port = config.bindPort();
        boolean auto = port == 0;
        boolean tcpOnly = config.mode() == TransportMode.TCP;
        for (String addr : config.bindAddrs()) {
            InetAddress ip = parseIp(addr);
            if (tcpOnly) {
                Channel listener = bind(tcpBootstrap(streams), "TCP", addr, ip, port, auto && port != 0);
                tcp.add(listener);
                if (port == 0) {
                    port = ((InetSocketAddress) listener.localAddress()).getPort();
                }
                continue;
            }
            Bootstrap udpBootstrap = new Bootstrap()
                    .group(group)
                    .channelFactory(UdpChannel::create)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UDP_PACKET_BUF_SIZE))
                    .handler(packets);
            // a retry helps only once the OS has picked a port that another socket holds
            DatagramChannel u = (DatagramChannel) bind(udpBootstrap, "UDP", addr, ip, port, auto && port != 0);
            udp.add(u);
            setReceiveBuffer(u, addr, port);
            if (port == 0) {
                port = u.localAddress().getPort();
            }
            tcp.add(bind(tcpBootstrap(streams), "TCP", addr, ip, port, auto));
        }
        udpSockets = udp.stream().map(UdpChannel::socket).toList();
        tcpListeners = List.copyOf(tcp);
        boundPort = port;
        log.debug("NetTransport bound to {} port {}", config.bindAddrs(), port);
    }

    private ServerBootstrap tcpBootstrap(StreamHandler streams) {
        return new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                // rebinding right after a shutdown must not wait for TIME_WAIT connections
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (inboundStreams.incrementAndGet() > config.maxInboundStreams()) {
                            // shed at once: idle or hostile connections must not pile up
                            inboundStreams.decrementAndGet();
                            ch.close();
                            listener.onStreamShed(ch.remoteAddress());
                            return;
                        }
                        TlsHandshakes t = tls;
                        if (t != null) {
                            // first: the handlers after it see only what a trusted peer sent
                            t.addServer(ch);
                        }
                        if (config.mode() == TransportMode.TCP) {
                            acceptUnidentified(ch, streams);
                            return;
                        }
                        ch.closeFuture().addListener(f -> inboundStreams.decrementAndGet());
                        initStream(ch, ch.remoteAddress(), streams);
                    }
                });
    }

    /**
     * TCP mode: a connection that may be a stream or a packet connection, counted as a stream
     * until its first byte tells. With TLS, the first byte after the handshake.
     */
    private void acceptUnidentified(SocketChannel ch, StreamHandler streams) {
        track(ch);
        // which count the connection holds; moved when it turns out to be a packet connection
        AtomicInteger[] slot = {inboundStreams};
        ch.closeFuture().addListener(f -> slot[0].decrementAndGet());
        InboundSniffer.Routes routes = new InboundSniffer.Routes() {
            @Override
            public ChannelHandler[] packetConnection(ChannelHandlerContext ctx) {
                inboundStreams.decrementAndGet();
                slot[0] = inboundPacketConnections;
                if (inboundPacketConnections.incrementAndGet() > config.maxPacketConnections()) {
                    packetCounters.shedInbound(ch.remoteAddress());
                    return null;
                }
                packetCounters.inboundOpened.increment();
                long idle = config.packetIdleTimeout().toMillis() * 2;
                return new ChannelHandler[] {
                    new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS),
                    new PacketFrameDecoder(listener, counters, packetCounters)
                };
            }

            @Override
            public io.netty.channel.ChannelHandler streamConnection(ChannelHandlerContext ctx) {
                ch.attr(NetStreamConnection.KEY).set(new NetStreamConnection(ch, ch.remoteAddress(), counters));
                return streams;
            }

            @Override
            public void announceStream(ChannelHandlerContext ctx) {
                streams.announce(ctx);
            }
        };
        ch.pipeline().addLast(new InboundSniffer(routes, packetCounters, config.connectTimeout()));
    }

    private Channel bind(
            AbstractBootstrap<?, ?> bootstrap, String kind, String addr, InetAddress ip, int port, boolean retryable)
            throws IOException {
        ChannelFuture f = bootstrap.bind(new InetSocketAddress(ip, port));
        track(f.channel());
        f.awaitUninterruptibly();
        if (f.isSuccess()) {
            return f.channel();
        }
        // a failed bind leaves the channel open and registered
        f.channel().close();
        Throwable cause = f.cause();
        IOException failure = new IOException(
                "Failed to start " + kind + " listener on \"" + addr + "\" port " + port + ": " + cause.getMessage(),
                cause);
        if (retryable && cause instanceof BindException) {
            throw new AutoPortTakenException(failure);
        }
        throw failure;
    }

    /** Go's setUDPRecvBuf: 2 MiB, halved until the socket accepts it. */
    private static void setReceiveBuffer(DatagramChannel ch, String addr, int port) throws IOException {
        ChannelException last = null;
        for (int size = UDP_RECV_BUF_SIZE; size > 0; size /= 2) {
            try {
                ch.config().setReceiveBufferSize(size);
                return;
            } catch (ChannelException e) {
                last = e;
            }
        }
        throw new IOException("Failed to resize UDP buffer on \"" + addr + "\" port " + port, last);
    }

    /** Wires a new stream channel: tracked for shutdown, its connection attached, then the handler. */
    private void initStream(Channel ch, InetSocketAddress remote, StreamHandler handler) {
        track(ch);
        ch.attr(NetStreamConnection.KEY).set(new NetStreamConnection(ch, remote, counters));
        ch.pipeline().addLast(handler);
    }

    /** Asks each context once, so a wrong one fails start rather than every connection. */
    private static NetTls checked(NetTls t) throws IOException {
        SslContext server = t.serverContext().get();
        SslContext client = t.clientContext().get();
        if (server == null || !server.isServer()) {
            throw new IOException("NetTls: the server context supplier gave " + server + ", not a server context");
        }
        if (client == null || !client.isClient()) {
            throw new IOException("NetTls: the client context supplier gave " + client + ", not a client context");
        }
        return t;
    }

    /** Remembers a channel until it closes, so shutdown can close it; closes it if too late. */
    private void track(Channel ch) {
        channels.add(ch);
        ch.closeFuture().addListener(f -> channels.remove(ch));
        if (shutdown.get()) {
            // shutdown may have passed the set already
            ch.close();
        }
    }

    private void closeAll() {
        List<ChannelFuture> closes = new ArrayList<>();
        for (Channel ch : channels) {
            closes.add(ch.close());
        }
        if (onOurEventLoop()) {
            return; // waiting here would block the loop that does the closing
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_WAIT_MILLIS);
        for (ChannelFuture f : closes) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                log.warn("NetTransport: channels still closing after {} ms", SHUTDOWN_WAIT_MILLIS);
                return;
            }
        }
    }

    private boolean onOurEventLoop() {
        for (EventExecutor e : group) {
            if (e.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /** An IP literal as an address; names are refused, since Go does not resolve them here. */
    static InetAddress parseIp(String ip) throws IOException {
        if (!NetTransportConfig.isIpLiteral(ip)) {
            throw new IOException("Failed to parse advertise address \"" + ip + "\": not an IP literal");
        }
        // getByAddress does no lookup, and turns IPv4-mapped IPv6 into IPv4 like Go's To4()
        return InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(ip));
    }

    /** The OS-picked port turned out to be taken: worth another try with a new one. */
    private static final class AutoPortTakenException extends IOException {
        final IOException failure;

        AutoPortTakenException(IOException failure) {
            super(failure.getMessage(), failure);
            this.failure = failure;
        }
    }
}
