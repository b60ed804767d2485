package dev.memberlist.test.network;

import dev.memberlist.engine.transport.StreamConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One end of an in-memory stream (what Go's mock gets from {@code net.Pipe()}). Bytes written
 * on one end reach the other end's reader in order; they wait in a buffer until
 * {@link #startReading}. A {@link #close()} on either end ends the stream for both: each
 * reader then sees exactly one {@code onClose(null)}, the peer's after the data sent before
 * the close. Data that has not reached a reader when its own end closes is dropped, as a
 * closed socket drops it.
 */
final class MockStream implements StreamConnection {
    private static final Logger log = LoggerFactory.getLogger(MockStream.class);

    /** The end-of-stream marker in {@link #inbound}. */
    private static final Object EOF = new Object();

    private final MockTransport owner;
    private final InetSocketAddress remote;
    private MockStream peer;

    // guarded by this
    private final ArrayDeque<Object> inbound = new ArrayDeque<>();
    private Reader reader;
    private boolean draining;
    private boolean ended;

    MockStream(MockTransport owner, InetSocketAddress remote) {
        this.owner = owner;
        this.remote = remote;
    }

    /** Pairs two new ends. */
    void connect(MockStream other) {
        this.peer = other;
        other.peer = this;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public void startReading(Reader reader) {
        synchronized (this) {
            if (this.reader != null) {
                throw new IllegalStateException("already reading");
            }
            this.reader = reader;
        }
        // as an event of its own in a simulation: no callback from inside this call
        owner.network().runLocal(owner, this::drain);
    }

    @Override
    public CompletableFuture<Void> write(byte[] data) {
        synchronized (this) {
            if (ended) {
                return CompletableFuture.failedFuture(new IOException("mock stream closed"));
            }
        }
        owner.countStreamOut(data.length);
        byte[] copy = data.clone();
        MockStream to = peer;
        owner.network().deliverStream(owner, to.owner, () -> to.receive(copy));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        if (!end(true)) {
            return;
        }
        MockStream to = peer;
        owner.network().deliverStream(owner, to.owner, to::receiveEof);
        owner.network().runLocal(owner, this::drain);
    }

    @Override
    public String toString() {
        return "MockStream[" + owner.socketAddress() + " -> " + remote + "]";
    }

    /**
     * Ends this side: the reader gets its one onClose, after the data already here unless this
     * side closed itself.
     */
    private boolean end(boolean dropUnread) {
        synchronized (this) {
            if (ended) {
                return false;
            }
            ended = true;
            if (dropUnread) {
                inbound.clear();
            }
            inbound.add(EOF);
        }
        owner.streamClosed(this);
        return true;
    }

    /** Bytes from the peer. */
    private void receive(byte[] chunk) {
        synchronized (this) {
            if (ended) {
                return;
            }
            inbound.add(chunk);
        }
        owner.countStreamIn(chunk.length);
        drain();
    }

    /** The peer closed. */
    private void receiveEof() {
        if (end(false)) {
            drain();
        }
    }

    /** Hands queued items to the reader, one caller at a time, outside the lock. */
    private void drain() {
        Reader r;
        synchronized (this) {
            if (draining || reader == null) {
                return;
            }
            draining = true;
            r = reader;
        }
        while (true) {
            Object item;
            synchronized (this) {
                item = inbound.poll();
                if (item == null) {
                    draining = false;
                    return;
                }
            }
            try {
                if (item == EOF) {
                    r.onClose(null);
                } else {
                    r.onData((byte[]) item);
                }
            } catch (RuntimeException e) {
                log.warn("memberlist: mock stream reader failed", e);
            }
        }
    }
}
