package dev.memberlist.engine.delegate;

import dev.memberlist.engine.Node;

/** Two nodes claim one name from different addresses. */
@FunctionalInterface
public interface ConflictDelegate {
    /**
     * @param existing the node we know
     * @param other the node that claims its name from another address
     */
    void notifyConflict(Node existing, Node other);
}
