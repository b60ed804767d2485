package dev.memberlist.engine.transport.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound half of {@link TransportMode#TCP}: one packet connection per peer, opened on the
 * first packet to it, closed when idle or broken, reopened by the next packet. {@link #send}
 * never blocks and never waits for the network: a packet is written (handed to the channel's
 * event loop), queued behind a connection still opening (bounded; with TLS, until its handshake
 * succeeded), or dropped and counted, as UDP would lose it. Thread-safe; callers include event loops answering pings.
 */
final class PacketConnections {
    private static final Logger log = LoggerFactory.getLogger(PacketConnections.class);

    /** Packets a connection still opening holds; seconds of probes and gossip to one peer. */
    static final int MAX_PENDING_PACKETS = 64;

    /** Bytes waiting to be written past which a connection takes no more packets. */
    static final int WRITE_HIGH_WATER_MARK = 1 << 20;

    static final int WRITE_LOW_WATER_MARK = 256 << 10;

    private static final CompletableFuture<Void> SENT = CompletableFuture.completedFuture(null);

    private final EventLoopGroup group;
    private final NetTransportConfig config;
    private final TrafficCounters traffic;
    private final PacketCounters counters;
    /** The hello each connection starts with; asked at each connect, once the address is known. */
    private final Supplier<ByteBuf> hello;
    /** Local address of outbound connections (null: the OS picks), so peers see the bind IP. */
    private final InetAddress localIp;
    /** Registers a channel for shutdown. */
    private final Consumer<Channel> track;
    /** The TLS layer, or null for plain TCP. */
    private final TlsHandshakes tls;

    private final ConcurrentHashMap<InetSocketAddress, Connection> connections = new ConcurrentHashMap<>();

    /**
     * Counts a frame lost with its connection. One instance for every write; a failed write is
     * not passed down the pipeline (a void promise would, past a closed channel's handlers).
     */
    private final ChannelFutureListener lostWithConnection;

    PacketConnections(
            EventLoopGroup group,
            NetTransportConfig config,
            TrafficCounters traffic,
            PacketCounters counters,
            Supplier<ByteBuf> hello,
            InetAddress localIp,
            Consumer<Channel> track,
            TlsHandshakes tls) {
        this.group = group;
        this.config = config;
        this.traffic = traffic;
        this.counters = counters;
        this.hello = hello;
        this.localIp = localIp;
        this.track = track;
        this.tls = tls;
        this.lostWithConnection = f -> {
            if (!f.isSuccess()) {
                counters.droppedConnectFailed.increment();
            }
        };
    }

    /** Connections open or opening now. */
    int size() {
        return connections.size();
    }

    /**
     * Sends one packet to {@code target}. The future is complete on return: done when the
     * packet was written or queued, failed (never thrown) when it was dropped.
     */
    CompletableFuture<Void> send(byte[] packet, InetSocketAddress target) {
        if (packet.length < 1 || packet.length > PacketFraming.MAX_FRAME) {
            counters.dropTooLarge(target, packet.length);
            return failed(
                    "packet of " + packet.length + " bytes to " + target + " is outside 1.." + PacketFraming.MAX_FRAME);
        }
        ByteBuf frame = PacketFraming.frame(packet);
        // twice at most: a connection found closed is replaced once
        for (int attempt = 0; attempt < 2; attempt++) {
            Connection c = connections.get(target);
            if (c == null) {
                if (connections.size() >= config.maxPacketConnections()) {
                    frame.release();
                    counters.dropPoolFull(target);
                    return failed("packet to " + target + " dropped: maxPacketConnections reached");
                }
                Connection fresh = new Connection(target);
                c = connections.putIfAbsent(target, fresh);
                if (c == null) {
                    // queued before the connect starts, so a connect that fails at once takes it along
                    fresh.offer(frame);
                    fresh.connect();
                    return SENT;
                }
            }
            Outcome o = c.offer(frame);
            switch (o) {
                case SENT:
                    return SENT;
                case DROPPED:
                    return failed("packet to " + target + " dropped: its connection is backed up");
                case CLOSED:
                    connections.remove(target, c);
                    break;
                default:
                    throw new IllegalStateException(o.toString());
            }
        }
        frame.release();
        counters.droppedConnectFailed.increment();
        return failed("packet to " + target + " dropped: its connection closed");
    }

    /** Forgets every connection; their channels are closed by the transport's shutdown. */
    void clear() {
        connections.clear();
    }

    private static CompletableFuture<Void> failed(String why) {
        return CompletableFuture.failedFuture(new IOException(why));
    }

    private enum Outcome {
        SENT,
        DROPPED,
        CLOSED
    }

    /** One outbound packet connection: opening (packets queue), open (packets go), closed. */
    private final class Connection {
        private final InetSocketAddress target;

        // guarded by this; held only to switch state and queue, never across I/O
        private Channel channel;
        private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
        private boolean closed;

        Connection(InetSocketAddress target) {
            this.target = target;
        }

        void connect() {
            long idle = config.packetIdleTimeout().toMillis();
            int connectMillis = (int) Math.max(
                    1, Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
            Bootstrap b = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(
                            ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(WRITE_LOW_WATER_MARK, WRITE_HIGH_WATER_MARK))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            track.accept(ch);
                            if (tls != null) {
                                tls.addClient(ch, target, connectMillis);
                            }
                            ch.pipeline()
                                    .addLast(new IdleStateHandler(0, idle, 0, TimeUnit.MILLISECONDS))
                                    .addLast(new OutboundHandler());
                        }
                    });
            if (localIp != null) {
                b.localAddress(localIp, 0);
            }
            b.connect(target).addListener(f -> {
                Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                SslHandler ssl = f.isSuccess() ? ch.pipeline().get(SslHandler.class) : null;
                if (ssl != null) {
                    // packets keep queueing (bounded) until the peer is trusted
                    ssl.handshakeFuture().addListener(h -> {
                        if (h.isSuccess()) {
                            opened(ch);
                        } else {
                            ch.close();
                            connectFailed(h.cause());
                        }
                    });
                } else if (f.isSuccess()) {
                    opened(ch);
                } else {
                    ch.close();
                    connectFailed(f.cause());
                }
            });
        }

        /** On the channel's event loop: the hello, then everything queued, in order. */
        private void opened(Channel ch) {
            ch.closeFuture().addListener(f -> closed());
            counters.outboundOpened.increment();
            synchronized (this) {
                if (closed) {
                    ch.close();
                    return;
                }
                ByteBuf h = hello.get();
                traffic.streamOut(h.readableBytes());
                ch.write(h);
                for (ByteBuf frame; (frame = pending.poll()) != null; ) {
                    traffic.packetOut(frame.readableBytes());
                    ch.write(frame).addListener(lostWithConnection);
                }
                // writers that come after see the channel and queue behind these on the loop
                channel = ch;
            }
            ch.flush();
        }

        private void connectFailed(Throwable cause) {
            counters.connectFailures.increment();
            log.debug("packet connection to {} failed: {}", target, cause.toString());
            closed();
        }

        /** Closed or never opened: what is queued is lost, as datagrams to a dead host are. */
        private void closed() {
            int lost;
            synchronized (this) {
                closed = true;
                channel = null;
                lost = pending.size();
                pending.forEach(ReferenceCountUtil::release);
                pending.clear();
            }
            counters.droppedConnectFailed.add(lost);
            connections.remove(target, this);
        }

        Outcome offer(ByteBuf frame) {
            Channel ch;
            synchronized (this) {
                if (closed) {
                    return Outcome.CLOSED;
                }
                if (channel == null) {
                    if (pending.size() >= MAX_PENDING_PACKETS) {
                        frame.release();
                        counters.dropWhileConnecting(target);
                        return Outcome.DROPPED;
                    }
                    pending.add(frame);
                    return Outcome.SENT;
                }
                ch = channel;
            }
            if (!ch.isWritable()) {
                // a peer that stopped reading: drop, do not pile up (its probes will fail)
                frame.release();
                counters.dropUnwritable(target);
                return Outcome.DROPPED;
            }
            traffic.packetOut(frame.readableBytes());
            ch.writeAndFlush(frame).addListener(lostWithConnection);
            return Outcome.SENT;
        }
    }

    /** Closes an idle connection; discards anything the peer sends (it should send nothing). */
    private final class OutboundHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                counters.idleClosed.increment();
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a write to a connection that broke: its packets are lost, the next one reconnects
            traffic.error();
            log.debug("packet connection to {} failed", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }
}
