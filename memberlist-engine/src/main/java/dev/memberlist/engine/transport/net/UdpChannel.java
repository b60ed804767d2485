package dev.memberlist.engine.transport.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * UDP sockets that Netty reads and we write to directly: {@link #send} hands a datagram to the
 * socket from the calling thread. Going through Netty's pipeline from a protocol thread would
 * queue the write on the channel's event loop and wake it, once per packet, and on a JVM a
 * thread's wake-up costs more than the send itself. A datagram socket may be written by one
 * thread while another reads it; concurrent writers are serialised by the JDK.
 */
final class UdpChannel {
    private static final AttributeKey<DatagramChannel> SOCKET = AttributeKey.valueOf("memberlist.udp.socket");

    private UdpChannel() {}

    /** A Netty channel over a socket we keep a handle to (the bootstrap's channel factory). */
    static NioDatagramChannel create() {
        DatagramChannel socket;
        try {
            socket = SelectorProvider.provider().openDatagramChannel();
        } catch (IOException e) {
            throw new ChannelException("failed to open a UDP socket", e);
        }
        NioDatagramChannel ch = new NioDatagramChannel(socket);
        ch.attr(SOCKET).set(socket);
        return ch;
    }

    /** The socket under a channel made by {@link #create()}. */
    static DatagramChannel socket(Channel ch) {
        return ch.attr(SOCKET).get();
    }

    /**
     * Sends one datagram at once, without blocking.
     *
     * @return false when the socket's send buffer is full and the datagram was dropped, as the
     *     network may drop any datagram
     * @throws IOException when the socket is closed or the destination unreachable
     */
    static boolean send(DatagramChannel socket, ByteBuffer datagram, InetSocketAddress target) throws IOException {
        return socket.send(datagram, target) > 0;
    }
}
