package dev.memberlist.engine.delegate;

import dev.memberlist.engine.Node;

/**
 * Two nodes claim one name from different addresses. Delivered on the node's delegate queue, in
 * order with the events, off the protocol's path.
 */
@FunctionalInterface
public interface ConflictDelegate {
    /**
     * @param existing the node we know
     * @param other the node that claims its name from another address
     */
    void notifyConflict(Node existing, Node other);
}
