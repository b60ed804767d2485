package dev.memberlist.engine.delegate;

import dev.memberlist.engine.Node;

/**
 * Filters alive messages, for example to keep nodes of another cluster out. Called inline on the
 * node's protocol strand, where Go calls it under its node lock: keep it quick (a slow one delays
 * probes and gossip, never acks).
 */
@FunctionalInterface
public interface AliveDelegate {
    /**
     * Called for every alive message processed (gossip and push-pull), the local node's too.
     * Throw to ignore the message.
     */
    void notifyAlive(Node peer);
}
