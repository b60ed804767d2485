package dev.memberlist.engine.delegate;

import dev.memberlist.engine.Node;

/**
 * Membership changes, delivered on the node's delegate queue in the order they happened, off
 * the protocol's path: a slow listener delays only the events and messages behind it, never
 * failure detection. The {@link Node#state()} given is the state at the change (Go always says
 * Alive).
 */
public interface EventDelegate {
    /** A node became alive: new, or back from dead or left. Also fires for the local node at start. */
    default void notifyJoin(Node node) {}

    /** A node was declared dead ({@link dev.memberlist.engine.NodeState#DEAD}) or left ({@code LEFT}). */
    default void notifyLeave(Node node) {}

    /** An alive node's metadata changed. */
    default void notifyUpdate(Node node) {}
}
