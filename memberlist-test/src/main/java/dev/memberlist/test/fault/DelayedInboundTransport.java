package dev.memberlist.test.fault;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.scheduler.Scheduler;
import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.transport.Transport;
import dev.memberlist.engine.transport.TransportListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A slow member: everything the wrapped transport receives (packets, accepted streams, and
 * the bytes read from any stream, dialed ones included) reaches the protocol a fixed delay
 * late, as a node with a starved message loop would see it. This is the degradation
 * Lifeguard is designed for; the peer protocol's {@code delay} command drives it.
 */
public final class DelayedInboundTransport extends ForwardingTransport {
    private final Scheduler timer;
    private volatile long delayNanos;

    /**
     * @param inner the real transport
     * @param timer where delayed deliveries wait (its thread only forwards, never blocks)
     */
    public DelayedInboundTransport(Transport inner, Scheduler timer) {
        super(inner);
        this.timer = timer;
    }

    /** From now on, delays inbound traffic by {@code delay}; zero restores normal delivery. */
    public void setInboundDelay(Duration delay) {
        this.delayNanos = Math.max(0, delay.toNanos());
    }

    /** The current inbound delay. */
    public Duration inboundDelay() {
        return Duration.ofNanos(delayNanos);
    }

    /** The wrapped transport. */
    public Transport inner() {
        return inner;
    }

    private void later(Runnable r) {
        long d = delayNanos;
        if (d <= 0) {
            r.run();
        } else {
            timer.schedule(r, d, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void start(TransportListener listener) throws IOException {
        inner.start(new TransportListener() {
            @Override
            public void onPacket(Packet packet) {
                later(() -> listener.onPacket(packet));
            }

            @Override
            public void onStream(StreamConnection connection) {
                StreamConnection slow = new SlowStream(connection);
                later(() -> listener.onStream(slow));
            }

            @Override
            public void onStreamShed(java.net.InetSocketAddress remote) {
                listener.onStreamShed(remote);
            }
        });
    }

    @Override
    public CompletableFuture<StreamConnection> dialAddress(Address addr, Duration timeout) {
        return inner.dialAddress(addr, timeout).thenApply(SlowStream::new);
    }

    @Override
    public void shutdown() {
        inner.shutdown();
        timer.shutdown();
    }

    /** A stream whose received bytes arrive late. */
    private final class SlowStream implements StreamConnection {
        private final StreamConnection inner;

        SlowStream(StreamConnection inner) {
            this.inner = inner;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return inner.remoteAddress();
        }

        @Override
        public void startReading(Reader reader) {
            inner.startReading(new Reader() {
                @Override
                public void onData(byte[] chunk) {
                    later(() -> reader.onData(chunk));
                }

                @Override
                public void onClose(Throwable cause) {
                    later(() -> reader.onClose(cause));
                }
            });
        }

        @Override
        public CompletableFuture<Void> write(byte[] data) {
            return inner.write(data);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
