package dev.memberlist.engine.transport.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;

/**
 * The wire format of a packet connection ({@link TransportMode#TCP}). The dialer writes a hello,
 * then frames, and never reads; the acceptor only reads.
 *
 * <pre>
 * hello: [MAGIC 0xE7][VERSION 1][ip length: 4 or 16][ip][port: u16 big-endian]
 * frame: [length: u32 big-endian, 1..MAX_FRAME][one packet, byte for byte as UDP would carry it]
 * </pre>
 *
 * <p>{@link #MAGIC} is neither a memberlist message type (0-13, the first byte of every stream
 * without a label), nor the label marker 244, nor a TLS record type (20-23), so the listener can
 * tell a packet connection from a stream by its first byte. The hello names the sender's
 * advertised address: the port is where its packets come "from", as a UDP datagram's source port
 * is Go's bind port; the IP is reported only, the connection's own peer IP is used instead (TCP
 * proved it, as an allow list needs).
 */
final class PacketFraming {
    private PacketFraming() {}

    /** First byte of a packet connection. */
    static final int MAGIC = 0xE7;

    /** Version of the hello and framing. */
    static final int VERSION = 1;

    /** Largest packet: what one UDP read takes whole (Go's udpPacketBufSize). */
    static final int MAX_FRAME = NetTransport.UDP_PACKET_BUF_SIZE;

    /** Bytes before each packet. */
    static final int LENGTH_BYTES = 4;

    /** Magic, version, ip length, port: the hello without its IP. */
    static final int HELLO_FIXED_BYTES = 5;

    /** Whether a stream may begin with this byte: a message type or the label marker. */
    static boolean startsStream(int firstByte) {
        return firstByte <= 13 || firstByte == 244;
    }

    /** The hello announcing {@code advertised} (its IP as 4 or 16 bytes). */
    static ByteBuf hello(byte[] ip, int port) {
        ByteBuf b = Unpooled.buffer(HELLO_FIXED_BYTES + ip.length);
        b.writeByte(MAGIC)
                .writeByte(VERSION)
                .writeByte(ip.length)
                .writeBytes(ip)
                .writeShort(port);
        return b;
    }

    /** One packet as a frame, copied: the caller's array is not kept. */
    static ByteBuf frame(byte[] packet) {
        ByteBuf b = Unpooled.buffer(LENGTH_BYTES + packet.length);
        b.writeInt(packet.length).writeBytes(packet);
        return b;
    }

    /** For log lines. */
    static String describe(byte[] ip, int port) {
        try {
            return new InetSocketAddress(java.net.InetAddress.getByAddress(ip), port).toString();
        } catch (java.net.UnknownHostException e) {
            return "?:" + port;
        }
    }
}
