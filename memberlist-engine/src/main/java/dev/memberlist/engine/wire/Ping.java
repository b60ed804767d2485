package dev.memberlist.engine.wire;

/**
 * Go's {@code ping}. {@code sourceAddr}, {@code sourcePort} and {@code sourceNode} are omitted
 * from the wire when empty.
 *
 * @param seqNo uint32 sequence number
 * @param node the target's name; empty means "do not check"
 * @param sourceAddr raw IP to reply to, or null
 * @param sourcePort port to reply to, or 0
 * @param sourceNode the sender's name, or empty
 */
public record Ping(long seqNo, String node, byte[] sourceAddr, int sourcePort, String sourceNode) implements Message {
    @Override
    public MessageType type() {
        return MessageType.PING;
    }
}
