package dev.memberlist.engine.wire;

import java.util.List;

/**
 * A whole push-pull stream message: header, node states, user state.
 *
 * @param join whether the exchange is a join
 * @param nodes every node the sender knows, itself included
 * @param userState the node delegate's local state, or null
 */
public record PushPull(boolean join, List<PushNodeState> nodes, byte[] userState) {}
