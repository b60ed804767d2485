package dev.memberlist.engine.wire;

/**
 * Go's {@code nackResp}: the helper got no ack from the target in time.
 *
 * @param seqNo the original probe's sequence number
 */
public record NackResp(long seqNo) implements Message {
    @Override
    public MessageType type() {
        return MessageType.NACK_RESP;
    }
}
