package dev.memberlist.engine.transport.net;

/**
 * What a {@link NetTransport} in {@link TransportMode#TCP} mode did with its packet connections,
 * since start. Every packet not carried is counted in exactly one {@code dropped...} field, as a
 * UDP datagram lost on the way would be (silently, for the protocol above).
 *
 * @param outboundOpened outbound packet connections established
 * @param connectFailures outbound packet connections that could not be established
 * @param droppedWhileConnecting packets refused because a connection still opening had its
 *     queue full (64 packets)
 * @param droppedConnectFailed packets queued on a connection that failed to open or closed before
 *     they were written
 * @param droppedUnwritable packets refused because their connection had more than its
 *     high-water mark of bytes waiting to be written (a peer that stopped reading)
 * @param droppedTooLarge packets refused for being empty or larger than a UDP datagram can be
 *     (65,536 bytes)
 * @param droppedPoolFull packets to a new peer refused because {@code maxPacketConnections}
 *     outbound connections were open or opening
 * @param inboundOpened inbound connections that identified themselves as packet connections
 * @param inboundShed inbound packet connections closed at once because {@code
 *     maxPacketConnections} were open
 * @param badFirstByte inbound connections closed because their first byte begins neither a
 *     packet connection nor a memberlist stream
 * @param badHeaders inbound packet connections closed for a malformed header
 * @param badFrames inbound packet connections closed for a frame length of 0 or above
 *     65,536
 * @param idleClosed packet connections closed for being idle, either way
 * @param silentClosed accepted connections closed because they sent nothing within the connect
 *     timeout
 */
public record PacketConnectionStats(
        long outboundOpened,
        long connectFailures,
        long droppedWhileConnecting,
        long droppedConnectFailed,
        long droppedUnwritable,
        long droppedTooLarge,
        long droppedPoolFull,
        long inboundOpened,
        long inboundShed,
        long badFirstByte,
        long badHeaders,
        long badFrames,
        long idleClosed,
        long silentClosed) {

    /** Outbound packets not carried, for whatever reason. */
    public long droppedPackets() {
        return droppedWhileConnecting + droppedConnectFailed + droppedUnwritable + droppedTooLarge + droppedPoolFull;
    }

    /** Inbound connections closed for malformed input: first byte, header or frame length. */
    public long malformedInbound() {
        return badFirstByte + badHeaders + badFrames;
    }
}
