package dev.memberlist.engine.transport.net;

import dev.memberlist.engine.transport.TransportListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS layer of one {@link NetTransport}: puts an {@link SslHandler} in front of each new
 * connection, with the context its {@link NetTls} supplies at that moment, and, right behind it,
 * this handler, which counts failed handshakes and logs each peer address once at WARN (later
 * ones at DEBUG). An untrusted peer retries every probe or join, and its log line must not drown
 * the others. A failed handshake's exception ends here: the connection is closed by the
 * {@link SslHandler} and was never handed to the protocol.
 */
@Sharable
final class TlsHandshakes extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TlsHandshakes.class);

    /** Peer addresses remembered as logged; past it every failure is logged at DEBUG only. */
    static final int MAX_LOGGED_PEERS = 1024;

    private static final int MAX_REASON = 200;

    private final NetTls tls;
    private final TransportListener listener;
    private final LongAdder failures = new LongAdder();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    TlsHandshakes(NetTls tls, TransportListener listener) {
        this.tls = tls;
        this.listener = listener;
    }

    /** Handshakes failed so far, either way. */
    long failures() {
        return failures.sum();
    }

    /**
     * First in an accepted connection's pipeline: the server context of now. Its handshake is
     * bounded by the TLS timeout.
     */
    void addServer(Channel ch) {
        SslContext context = tls.serverContext().get();
        SslHandler ssl = context.newHandler(ch.alloc());
        add(ch.pipeline(), ssl, tls.handshakeTimeout().toMillis());
    }

    /**
     * First in a dialled connection's pipeline: the client context of now, its handshake bounded
     * by the TLS timeout or {@code timeoutMillis}, whichever is shorter.
     */
    SslHandler addClient(Channel ch, InetSocketAddress target, long timeoutMillis) {
        SslContext context = tls.clientContext().get();
        SslHandler ssl = context.newHandler(ch.alloc(), target.getHostString(), target.getPort());
        add(ch.pipeline(), ssl, Math.min(timeoutMillis, tls.handshakeTimeout().toMillis()));
        return ssl;
    }

    private void add(ChannelPipeline pipeline, SslHandler ssl, long timeoutMillis) {
        ssl.setHandshakeTimeoutMillis(Math.max(1, timeoutMillis));
        pipeline.addFirst(this);
        pipeline.addFirst(ssl);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            failed(ctx.channel(), done.cause());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl != null && !ssl.handshakeFuture().isSuccess()) {
            // the handshake failed (counted by its event) or a plaintext peer: nothing to report on
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private void failed(Channel ch, Throwable cause) {
        failures.increment();
        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
        boolean inbound = ch.parent() != null;
        // an inbound peer comes from a new ephemeral port each time: its IP is its address
        String peer = remote == null
                ? "unknown"
                : inbound
                        ? remote.getAddress().getHostAddress()
                        : remote.getAddress().getHostAddress() + ":" + remote.getPort();
        String why = describe(cause);
        if (logged.size() < MAX_LOGGED_PEERS && logged.add(peer)) {
            log.warn(
                    "TLS handshake {} {} failed: {}; further failures with this peer are logged at debug",
                    inbound ? "from" : "to",
                    peer,
                    why);
        } else {
            log.debug("TLS handshake {} {} failed: {}", inbound ? "from" : "to", peer, why);
        }
        try {
            listener.onTlsHandshakeFailed(remote, cause);
        } catch (RuntimeException e) {
            log.debug("listener failed on a TLS handshake failure", e);
        }
    }

    /** The innermost message: what the peer or the trust check actually said. */
    private static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        Throwable t = cause;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String why = t == cause ? String.valueOf(cause) : cause.getClass().getSimpleName() + ": " + t.getMessage();
        // a plaintext peer's bytes come back hex-dumped in the message: keep the line short
        return why.length() > MAX_REASON ? why.substring(0, MAX_REASON) + "..." : why;
    }
}
