package dev.memberlist.engine.delegate;

import java.util.List;

/**
 * The application's part of the protocol (Go's {@code Delegate}): node metadata, user
 * messages, user broadcasts piggybacked on gossip, and user state carried by push-pull.
 * Every method is called on the node's protocol thread: keep them quick. The defaults do
 * nothing, so implement only what you use.
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
