package dev.memberlist.engine.transport.net;

import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.transport.TransportListener;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each received datagram into a {@link Packet} for the listener: copies the bytes, lets
 * the buffer go (the superclass releases it) and carries the sender. One per transport, shared
 * by all its UDP channels. Nothing escapes into the pipeline, since a throwing listener must not
 * stop the socket.
 */
@Sharable
final class PacketHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger log = LoggerFactory.getLogger(PacketHandler.class);

    private final TransportListener listener;
    private final TrafficCounters counters;

    PacketHandler(TransportListener listener, TrafficCounters counters) {
        super(DatagramPacket.class, true);
        this.listener = listener;
        this.counters = counters;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
        byte[] buf = ByteBufUtil.getBytes(msg.content());
        if (buf.length < 1) {
            // Go drops these too: a message needs at least its type byte
            log.debug("UDP packet too short (0 bytes) from {}", msg.sender());
            return;
        }
        counters.packetIn(buf.length);
        try {
            listener.onPacket(new Packet(buf, msg.sender()));
        } catch (Throwable t) {
            counters.error();
            log.debug("packet listener failed on a packet from {}", msg.sender(), t);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // not passed on: the tail would log it as a warning, and the socket stays usable
        counters.error();
        log.debug("UDP error on {}", ctx.channel().localAddress(), cause);
    }
}
