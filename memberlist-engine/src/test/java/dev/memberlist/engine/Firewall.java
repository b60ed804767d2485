package dev.memberlist.engine;

import dev.memberlist.engine.transport.AdvertiseAddress;
import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.transport.Transport;
import dev.memberlist.engine.transport.TransportListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transport whose inbound packets or streams can be cut, as Go's tests do by re-opening a
 * node's UDP or TCP listener on another port: what the node sends still goes out.
 */
final class Firewall implements Transport {
    private final Transport inner;
    volatile boolean blockPackets;
    volatile boolean blockStreams;
    /** Packets from this address are dropped (a one-way loss from one peer); null for none. */
    volatile InetSocketAddress blockPacketsFrom;
    /** Packets dropped by {@link #blockPacketsFrom}. */
    final AtomicInteger droppedFrom = new AtomicInteger();
    /** Streams that reached this node, blocked or not. */
    final AtomicInteger streams = new AtomicInteger();

    Firewall(Transport inner) {
        this.inner = inner;
    }

    @Override
    public void start(TransportListener listener) throws IOException {
        inner.start(new TransportListener() {
            @Override
            public void onPacket(Packet packet) {
                if (packet.from().equals(blockPacketsFrom)) {
                    droppedFrom.incrementAndGet();
                } else if (!blockPackets) {
                    listener.onPacket(packet);
                }
            }

            @Override
            public void onStream(StreamConnection connection) {
                streams.incrementAndGet();
                if (blockStreams) {
                    connection.close();
                } else {
                    listener.onStream(connection);
                }
            }

            @Override
            public void onStreamShed(InetSocketAddress remote) {
                listener.onStreamShed(remote);
            }
        });
    }

    @Override
    public AdvertiseAddress finalAdvertiseAddr(String ip, int port) throws IOException {
        return inner.finalAdvertiseAddr(ip, port);
    }

    @Override
    public CompletableFuture<Void> writeToAddress(byte[] buf, Address addr) {
        return inner.writeToAddress(buf, addr);
    }

    @Override
    public CompletableFuture<StreamConnection> dialAddress(Address addr, Duration timeout) {
        return inner.dialAddress(addr, timeout);
    }

    @Override
    public void shutdown() {
        inner.shutdown();
    }
}
