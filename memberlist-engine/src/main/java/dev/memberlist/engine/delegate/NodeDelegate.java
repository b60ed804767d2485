package dev.memberlist.engine.delegate;

import java.util.List;

/**
 * The application's part of the protocol (Go's {@code Delegate}): node metadata, user
 * messages, user broadcasts piggybacked on gossip, and user state carried by push-pull. The
 * defaults do nothing, so implement only what you use.
 *
 * <p>Where each method runs, so that none can delay an ack:
 *
 * <ul>
 *   <li>{@link #notifyMsg}: on the node's delegate queue, one message at a time, in order, off
 *       the protocol's path; a slow one delays only the messages and events behind it (past
 *       {@code Config.handoffQueueDepth} waiting messages, new ones are dropped and counted);
 *   <li>{@link #localState} and {@link #mergeRemoteState}: on the stream side of a push-pull, off
 *       the protocol's path, as Go calls them on the stream's goroutine; a slow one delays that
 *       exchange only (the peer gives up after {@code Config.tcpTimeout});
 *   <li>{@link #nodeMeta} and {@link #getBroadcasts}: inline on the node's protocol strand, where
 *       Go calls them; keep them quick, as a slow one delays probes and gossip (never acks, which
 *       carry no user broadcasts for that reason).
 * </ul>
 *
 * <p>Whatever a method throws is logged and counted ({@code memberlist.delegate.errors}); only an
 * {@link OutOfMemoryError} or another JVM error is rethrown.
 */
public interface NodeDelegate {
    /**
     * Metadata for the local node, sent in alive messages.
     *
     * @param limit the most bytes allowed ({@code Config.metaMaxSize}, 512 by default)
     */
    default byte[] nodeMeta(int limit) {
        return new byte[0];
    }

    /** A user message arrived (reliable, best effort or broadcast). The array is the receiver's own. */
    default void notifyMsg(byte[] msg) {}

    /**
     * User broadcasts to piggyback on the next packet.
     *
     * @param overhead bytes of framing each returned message costs
     * @param limit the most bytes all returned messages may take, overhead included
     */
    default List<byte[]> getBroadcasts(int overhead, int limit) {
        return List.of();
    }

    /** User state sent in a push-pull; {@code join} is true when the exchange is a join. */
    default byte[] localState(boolean join) {
        return null;
    }

    /** User state received in a push-pull. */
    default void mergeRemoteState(byte[] buf, boolean join) {}
}
