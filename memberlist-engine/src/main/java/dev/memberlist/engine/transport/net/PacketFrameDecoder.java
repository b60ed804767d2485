package dev.memberlist.engine.transport.net;

import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.transport.TransportListener;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an inbound packet connection (see {@link PacketFraming}): the hello, then each frame
 * handed to the listener as a {@link Packet}, right here on the event loop, as {@link
 * PacketHandler} hands over datagrams, so a ping is answered as soon as it is read. Anything
 * malformed closes the connection and is counted; what the listener throws is counted and the
 * connection goes on. One per connection.
 */
final class PacketFrameDecoder extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(PacketFrameDecoder.class);

    private final TransportListener listener;
    private final TrafficCounters traffic;
    private final PacketCounters counters;

    /** Null until the hello is read: where the packets come from. */
    private InetSocketAddress from;

    private boolean broken;

    PacketFrameDecoder(TransportListener listener, TrafficCounters traffic, PacketCounters counters) {
        this.listener = listener;
        this.traffic = traffic;
        this.counters = counters;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (from == null && !readHello(ctx, in)) {
            return;
        }
        while (!broken && in.readableBytes() >= PacketFraming.LENGTH_BYTES) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length < 1 || length > PacketFraming.MAX_FRAME) {
                counters.badFrames.increment();
                fail(ctx, in, "frame length " + length + " outside 1.." + PacketFraming.MAX_FRAME);
                return;
            }
            if (in.readableBytes() < PacketFraming.LENGTH_BYTES + length) {
                return; // bounded: at most one frame is ever buffered
            }
            in.skipBytes(PacketFraming.LENGTH_BYTES);
            byte[] buf = new byte[(int) length];
            in.readBytes(buf);
            traffic.packetIn(PacketFraming.LENGTH_BYTES + buf.length);
            try {
                listener.onPacket(new Packet(buf, from));
            } catch (Throwable t) {
                traffic.error();
                log.debug("packet listener failed on a packet from {}", from, t);
            }
        }
    }

    /** Reads the hello if it is all there; false when more is needed or it was bad. */
    private boolean readHello(ChannelHandlerContext ctx, ByteBuf in) {
        if (in.readableBytes() < 3) {
            return false;
        }
        int at = in.readerIndex();
        int version = in.getUnsignedByte(at + 1);
        int ipLength = in.getUnsignedByte(at + 2);
        if (in.getUnsignedByte(at) != PacketFraming.MAGIC || version != PacketFraming.VERSION) {
            counters.badHeaders.increment();
            fail(ctx, in, "packet connection version " + version + ", expected " + PacketFraming.VERSION);
            return false;
        }
        if (ipLength != 4 && ipLength != 16) {
            counters.badHeaders.increment();
            fail(ctx, in, "packet connection hello with an IP of " + ipLength + " bytes");
            return false;
        }
        if (in.readableBytes() < PacketFraming.HELLO_FIXED_BYTES + ipLength) {
            return false;
        }
        byte[] ip = new byte[ipLength];
        in.getBytes(at + 3, ip);
        int port = in.getUnsignedShort(at + 3 + ipLength);
        if (port == 0) {
            counters.badHeaders.increment();
            fail(ctx, in, "packet connection hello with port 0");
            return false;
        }
        in.skipBytes(PacketFraming.HELLO_FIXED_BYTES + ipLength);
        InetAddress peer = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        from = new InetSocketAddress(peer, port);
        if (log.isDebugEnabled()) {
            log.debug("packet connection from {} advertising {}", from, PacketFraming.describe(ip, port));
        }
        return true;
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, String why) {
        broken = true;
        in.skipBytes(in.readableBytes());
        counters.malformed(ctx.channel().remoteAddress(), why);
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            // the sender closes an idle connection itself; this one's sender is gone or stuck
            counters.idleClosed.increment();
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // not passed on: the tail would log it as a warning
        traffic.error();
        log.debug("packet connection from {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
