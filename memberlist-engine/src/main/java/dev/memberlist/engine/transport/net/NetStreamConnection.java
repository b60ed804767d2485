package dev.memberlist.engine.transport.net;

import dev.memberlist.engine.transport.StreamConnection;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection, accepted or dialed, as a {@link StreamConnection}. {@link StreamHandler}
 * feeds it from the pipeline. The read side (buffer, reader, end of stream) is touched only on
 * the channel's event loop, so it needs no locks.
 */
final class NetStreamConnection implements StreamConnection {
    private static final Logger log = LoggerFactory.getLogger(NetStreamConnection.class);

    /** Where the pipeline finds the connection of its channel. */
    static final AttributeKey<NetStreamConnection> KEY = AttributeKey.valueOf(NetStreamConnection.class, "connection");

    /** Unread bytes a stream may pile up before startReading; more closes it. */
    static final long MAX_UNREAD_BYTES = 64L << 20;

    private final Channel channel;
    private final InetSocketAddress remote;
    private final TrafficCounters counters;
    private final AtomicBoolean readingStarted = new AtomicBoolean();
    private final AtomicBoolean closeRequested = new AtomicBoolean();

    // event loop only
    private final ArrayDeque<byte[]> unread = new ArrayDeque<>();
    private long unreadBytes;
    private Reader reader;
    private boolean ended;
    private Throwable endCause;
    private boolean closeDelivered;
    private boolean readerFailed;

    NetStreamConnection(Channel channel, InetSocketAddress remote, TrafficCounters counters) {
        this.channel = channel;
        this.remote = remote;
        this.counters = counters;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public void startReading(Reader r) {
        Objects.requireNonNull(r, "reader");
        if (!readingStarted.compareAndSet(false, true)) {
            throw new IllegalStateException("startReading was already called on the stream with " + remote);
        }
        try {
            channel.eventLoop().execute(() -> attach(r));
        } catch (RejectedExecutionException e) {
            // the event loop group was shut down under us: nothing more will arrive
            r.onClose(new IOException("stream with " + remote + " lost: event loop shut down", e));
        }
    }

    @Override
    public CompletableFuture<Void> write(byte[] data) {
        Objects.requireNonNull(data, "data");
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closeRequested.get()) {
            done.completeExceptionally(new IOException("stream with " + remote + " is closed"));
            return done;
        }
        int length = data.length;
        // no copy: the caller hands the array over
        channel.writeAndFlush(Unpooled.wrappedBuffer(data)).addListener(f -> {
            if (f.isSuccess()) {
                counters.streamOut(length);
                done.complete(null);
            } else {
                done.completeExceptionally(f.cause());
            }
        });
        return done;
    }

    @Override
    public void close() {
        if (closeRequested.compareAndSet(false, true)) {
            // an empty write queues behind the pending ones, so they are flushed first
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Closes at once, dropping pending writes. */
    @Override
    public void abort() {
        closeRequested.set(true);
        channel.close();
    }

    // ---- called on the event loop by StreamHandler ----

    void onData(byte[] chunk) {
        if (ended || endCause != null) {
            return; // overflowed or failed: the rest is dropped
        }
        if (reader != null) {
            deliver(chunk);
            return;
        }
        unread.add(chunk);
        unreadBytes += chunk.length;
        if (unreadBytes > MAX_UNREAD_BYTES) {
            unread.clear();
            unreadBytes = 0;
            fail(new IOException(
                    "stream with " + remote + " closed: more than " + MAX_UNREAD_BYTES + " bytes arrived unread"));
        }
    }

    void onError(Throwable cause) {
        fail(cause);
    }

    void onInactive() {
        ended = true;
        if (reader != null) {
            deliverClose();
        }
    }

    private void attach(Reader r) {
        reader = r;
        while (!unread.isEmpty() && !closeDelivered) {
            byte[] chunk = unread.poll();
            unreadBytes -= chunk.length;
            deliver(chunk);
        }
        if (ended) {
            deliverClose();
        }
    }

    private void deliver(byte[] chunk) {
        if (closeDelivered || readerFailed) {
            return;
        }
        try {
            reader.onData(chunk);
        } catch (Throwable t) {
            counters.error();
            log.debug("stream reader failed on data from {}", remote, t);
            readerFailed = true;
            fail(t);
        }
    }

    /** Ends the stream with a cause; the first cause wins and is what onClose reports. */
    private void fail(Throwable cause) {
        if (endCause == null) {
            endCause = cause;
        }
        abort();
    }

    private void deliverClose() {
        if (closeDelivered) {
            return;
        }
        closeDelivered = true;
        try {
            reader.onClose(endCause);
        } catch (Throwable t) {
            counters.error();
            log.debug("stream reader failed on close of {}", remote, t);
        }
    }
}
