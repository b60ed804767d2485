package dev.memberlist.engine.transport;

/**
 * What a {@link Transport} delivers to. Called on I/O threads: implementations hand off
 * and return at once.
 */
public interface TransportListener {
    /** A datagram arrived. */
    void onPacket(Packet packet);

    /** A remote peer opened a stream to us. */
    void onStream(StreamConnection connection);

    /** A stream a peer opened was closed at once: too many were open already. */
    default void onStreamShed(java.net.InetSocketAddress remote) {}

    /**
     * A TLS handshake failed, either way (an untrusted or plaintext peer, a timeout); the
     * connection was closed before anything reached the protocol. The transport logs it.
     */
    default void onTlsHandshakeFailed(java.net.InetSocketAddress remote, Throwable cause) {}
}
