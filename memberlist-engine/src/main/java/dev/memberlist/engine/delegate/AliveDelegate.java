package dev.memberlist.engine.delegate;

import dev.memberlist.engine.Node;

/** Filters alive messages, for example to keep nodes of another cluster out. */
@FunctionalInterface
public interface AliveDelegate {
    /**
     * Called for every alive message processed (gossip and push-pull), the local node's too.
     * Throw to ignore the message.
     */
    void notifyAlive(Node peer);
}
