package dev.memberlist.engine.wire;

import java.util.List;

/**
 * A whole push-pull stream message: header, node states, user state.
 *
 * @param join whether the exchange is a join
 * @param nodes every node the sender knows, itself included
 * @param userState the node delegate's local state, or null
 * @param skipped the alive states the reader left out of {@code nodes} as ones the receiver had
 *     (see {@link MessageCodec#decodePushPull(byte[], int, int, StaleStates)}), or null
 */
public record PushPull(boolean join, List<PushNodeState> nodes, byte[] userState, SkippedStates skipped) {
    /** A push-pull with every node state in {@code nodes}. */
    public PushPull(boolean join, List<PushNodeState> nodes, byte[] userState) {
        this(join, nodes, userState, null);
    }
}
