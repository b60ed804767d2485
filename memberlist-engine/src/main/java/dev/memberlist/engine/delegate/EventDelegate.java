package dev.memberlist.engine.delegate;

import dev.memberlist.engine.Node;

/**
 * Membership changes. Called on the protocol thread, in the order they happen. The
 * {@link Node#state()} given is the real state (Go always says Alive).
 */
public interface EventDelegate {
    /** A node became alive: new, or back from dead or left. Also fires for the local node at start. */
    default void notifyJoin(Node node) {}

    /** A node was declared dead ({@link dev.memberlist.engine.NodeState#DEAD}) or left ({@code LEFT}). */
    default void notifyLeave(Node node) {}

    /** An alive node's metadata changed. */
    default void notifyUpdate(Node node) {}
}
