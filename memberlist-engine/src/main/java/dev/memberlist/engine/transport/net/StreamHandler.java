package dev.memberlist.engine.transport.net;

import dev.memberlist.engine.transport.TransportListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a TCP channel's events to its {@link NetStreamConnection}: received bytes as copied
 * arrays, errors, end of stream. Hands accepted connections to the listener once active. One
 * per transport, shared by all its stream channels; the per-connection state lives in the
 * connection, found through {@link NetStreamConnection#KEY}.
 *
 * <p>{@code ALLOW_HALF_CLOSURE} stays off: when the peer shuts its output Netty closes the
 * channel and the reader sees an orderly end. Memberlist sends one request and at most one reply
 * per stream and never half-closes, so nothing is lost by closing on end of stream.
 */
@Sharable
final class StreamHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(StreamHandler.class);

    private final TransportListener listener;
    private final TrafficCounters counters;

    StreamHandler(TransportListener listener, TrafficCounters counters) {
        this.listener = listener;
        this.counters = counters;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.channel().parent() == null) {
            return; // dialed: the dial's future hands it out
        }
        if (ctx.pipeline().get(SslHandler.class) != null) {
            return; // TLS: announced once the handshake succeeded
        }
        announce(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done
                && done.isSuccess()
                && ctx.channel().parent() != null) {
            announce(ctx);
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * Hands an accepted stream to the listener: when it becomes active (with TLS, once its
     * handshake succeeded), or in TCP mode once its first byte showed it is a stream.
     */
    void announce(ChannelHandlerContext ctx) {
        NetStreamConnection conn = ctx.channel().attr(NetStreamConnection.KEY).get();
        try {
            listener.onStream(conn);
        } catch (Throwable t) {
            counters.error();
            log.debug("stream listener failed on a stream from {}", conn.remoteAddress(), t);
            conn.abort();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof ByteBuf buf && buf.isReadable()) {
                byte[] chunk = ByteBufUtil.getBytes(buf);
                counters.streamIn(chunk.length);
                ctx.channel().attr(NetStreamConnection.KEY).get().onData(chunk);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("stream with {} failed", ctx.channel().remoteAddress(), cause);
        ctx.channel().attr(NetStreamConnection.KEY).get().onError(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ctx.channel().attr(NetStreamConnection.KEY).get().onInactive();
    }
}
