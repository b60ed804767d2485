package dev.memberlist.engine.transport;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One reliable, ordered byte stream to a peer (TCP for {@code NetTransport}). Memberlist
 * carries one request and at most one reply on each.
 */
public interface StreamConnection {
    /** The peer's socket address. */
    InetSocketAddress remoteAddress();

    /**
     * Starts delivering received bytes to the reader, in order, then exactly one
     * {@link Reader#onClose}. Bytes that arrived before this call are buffered and delivered
     * first. Call at most once.
     */
    void startReading(Reader reader);

    /** Queues bytes for sending; completes when they are written, exceptionally on failure. */
    CompletableFuture<Void> write(byte[] data);

    /** Closes the stream after pending writes; idempotent. */
    void close();

    /** Closes at once, dropping writes not yet sent: for a peer that stopped reading. */
    default void abort() {
        close();
    }

    /** Receives a stream's bytes. Called on I/O threads: hand off work that is not decoding. */
    interface Reader {
        /** The next bytes, owned by the reader. */
        void onData(byte[] chunk);

        /**
         * The stream ended.
         *
         * @param cause null for an orderly end of stream, otherwise what broke it
         */
        void onClose(Throwable cause);
    }
}
