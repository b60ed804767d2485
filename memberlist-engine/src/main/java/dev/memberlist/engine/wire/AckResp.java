package dev.memberlist.engine.wire;

/**
 * Go's {@code ackResp}.
 *
 * @param seqNo the ping's sequence number
 * @param payload the ping delegate's payload, or null (msgpack nil)
 */
public record AckResp(long seqNo, byte[] payload) implements Message {
    @Override
    public MessageType type() {
        return MessageType.ACK_RESP;
    }
}
