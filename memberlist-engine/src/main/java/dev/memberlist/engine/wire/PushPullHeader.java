package dev.memberlist.engine.wire;

/**
 * Go's {@code pushPullHeader}, first body of a push-pull stream after type byte 6.
 *
 * @param nodes how many {@link PushNodeState} bodies follow
 * @param userStateLen how many raw user-state bytes follow them
 * @param join whether this exchange is a join
 */
public record PushPullHeader(int nodes, int userStateLen, boolean join) implements Message {
    @Override
    public MessageType type() {
        return MessageType.PUSH_PULL;
    }
}
