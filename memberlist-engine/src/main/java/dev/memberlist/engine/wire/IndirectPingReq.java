package dev.memberlist.engine.wire;

/**
 * Go's {@code indirectPingReq}: ask a helper to ping {@code target:port} for us.
 *
 * @param seqNo uint32 sequence number of the original probe
 * @param target raw IP of the node to ping
 * @param port its port
 * @param node its name
 * @param nack whether the helper should send a nack when the target does not answer
 * @param sourceAddr raw IP to reply to, or null (omitted when empty)
 * @param sourcePort port to reply to, or 0 (omitted when 0)
 * @param sourceNode the requester's name, or empty (omitted when empty)
 */
public record IndirectPingReq(
        long seqNo,
        byte[] target,
        int port,
        String node,
        boolean nack,
        byte[] sourceAddr,
        int sourcePort,
        String sourceNode)
        implements Message {
    @Override
    public MessageType type() {
        return MessageType.INDIRECT_PING;
    }
}
