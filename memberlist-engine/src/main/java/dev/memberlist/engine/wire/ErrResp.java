package dev.memberlist.engine.wire;

/**
 * Go's {@code errResp}, sent back on a stream that failed.
 *
 * @param error the message
 */
public record ErrResp(String error) implements Message {
    @Override
    public MessageType type() {
        return MessageType.ERR;
    }
}
