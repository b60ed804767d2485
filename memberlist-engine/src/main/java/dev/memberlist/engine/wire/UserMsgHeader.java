package dev.memberlist.engine.wire;

/**
 * Go's {@code userMsgHeader}, first body of a user-message stream after type byte 8.
 *
 * @param userMsgLen how many raw bytes follow
 */
public record UserMsgHeader(int userMsgLen) implements Message {
    @Override
    public MessageType type() {
        return MessageType.USER;
    }
}
