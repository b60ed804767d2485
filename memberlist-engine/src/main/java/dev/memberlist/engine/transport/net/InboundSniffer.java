package dev.memberlist.engine.transport.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of an accepted connection in {@link TransportMode#TCP} mode (after any that
 * must see raw bytes first, such as a TLS handler): its first byte tells a packet connection
 * ({@link PacketFraming#MAGIC}) from a memberlist stream (a message type or the label marker).
 * It puts the right handler after itself and leaves; the bytes it has seen go on to that
 * handler. Anything else is closed and counted, as is a connection silent past the timeout.
 */
final class InboundSniffer extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(InboundSniffer.class);

    /** What to make of a connection once its kind is known. Event loop. */
    interface Routes {
        /** The handlers of a packet connection, or null when it must be closed (already counted). */
        ChannelHandler[] packetConnection(ChannelHandlerContext ctx);

        /** The handler of a stream, its connection attached; the stream is announced after. */
        ChannelHandler streamConnection(ChannelHandlerContext ctx);

        /** Announces the stream to the listener once its handler is in place. */
        void announceStream(ChannelHandlerContext ctx);
    }

    private final Routes routes;
    private final PacketCounters counters;
    private final Duration silenceTimeout;
    private ScheduledFuture<?> silence;

    InboundSniffer(Routes routes, PacketCounters counters, Duration silenceTimeout) {
        this.routes = routes;
        this.counters = counters;
        this.silenceTimeout = silenceTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // a connection that never says what it is must not hold a slot for ever
        silence = ctx.executor()
                .schedule(
                        () -> {
                            counters.silentClosed.increment();
                            log.debug(
                                    "connection from {} sent nothing; closed",
                                    ctx.channel().remoteAddress());
                            ctx.close();
                        },
                        silenceTimeout.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        silence.cancel(false);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable() || !ctx.channel().isActive()) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int first = in.getUnsignedByte(in.readerIndex());
        if (first == PacketFraming.MAGIC) {
            ChannelHandler[] handlers = routes.packetConnection(ctx);
            if (handlers == null) {
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            String after = ctx.name();
            for (ChannelHandler h : handlers) {
                ctx.pipeline().addAfter(after, null, h);
                after = ctx.pipeline().context(h).name();
            }
            ctx.pipeline().remove(this); // hands what it holds to the new handlers
        } else if (PacketFraming.startsStream(first)) {
            ctx.pipeline().addAfter(ctx.name(), null, routes.streamConnection(ctx));
            routes.announceStream(ctx);
            ctx.pipeline().remove(this);
        } else {
            counters.badFirstByte.increment();
            counters.malformed(
                    ctx.channel().remoteAddress(), "first byte " + first + " begins no stream or packet connection");
            in.skipBytes(in.readableBytes());
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug(
                "connection from {} failed before it said what it is",
                ctx.channel().remoteAddress(),
                cause);
        ctx.close();
    }
}
