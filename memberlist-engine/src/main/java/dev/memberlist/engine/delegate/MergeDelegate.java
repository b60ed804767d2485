package dev.memberlist.engine.delegate;

import dev.memberlist.engine.Node;
import java.util.List;

/**
 * Vets a whole remote cluster before a join merges it into ours. Called on the stream side of
 * the push-pull, off the protocol's path, as Go calls it on the stream's goroutine.
 */
@FunctionalInterface
public interface MergeDelegate {
    /**
     * Called with the remote node list of a join push-pull, on both sides, before merging.
     * Throw to cancel the merge; the message becomes the join error.
     *
     * @param peers every node the remote side knows, with the state it holds
     */
    void notifyMerge(List<Node> peers);
}
