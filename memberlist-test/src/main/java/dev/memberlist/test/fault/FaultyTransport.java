package dev.memberlist.test.fault;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.scheduler.Scheduler;
import dev.memberlist.engine.transport.AdvertiseAddress;
import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.transport.Transport;
import dev.memberlist.engine.transport.TransportListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Puts a {@link LinkFaults} policy in front of any transport, {@code NetTransport} on real
 * sockets included, for one node named {@code selfName}. The policy is applied on the sending
 * side, where the destination's name is known from the {@link Address}:
 *
 * <ul>
 *   <li>outbound packets to B are lost, delayed (with jitter) or duplicated by the rule of
 *       {@code self -> B}, or dropped when that link is blocked;
 *   <li>outbound dials to B time out (after the dial timeout) when either direction between
 *       us and B is blocked, as a TCP connect across a partition does; on a dialed stream, our
 *       writes are delayed by the fixed delay of {@code self -> B} and what we read by that of
 *       {@code B -> self}, and bytes stop flowing when a block starts mid-stream. Loss does not
 *       apply to stream bytes: TCP retransmits them.
 * </ul>
 *
 * <p>Inbound, the wrapper only sees socket addresses. It maps a packet's source address, and an
 * accepted stream's remote address, to a node name through {@link LinkFaults#register} (every
 * {@code FaultyTransport} registers its own advertise address when it starts, which is the
 * source address of its UDP packets) and drops packets, or closes streams, on blocked links.
 * That filters senders that are not wrapped themselves (a Go peer, a plain node); between two
 * wrapped nodes it adds nothing, and loss, delay and duplication are never applied twice.
 * Accepted TCP streams come from ephemeral ports that map to no name, so stream faults are
 * the dialer's wrapper's job.
 *
 * <p>Delayed sends wait on {@code timer}, which this transport owns and shuts down with itself.
 */
public final class FaultyTransport implements Transport {
    private final Transport inner;
    private final String self;
    private final LinkFaults faults;
    private final Scheduler timer;

    /**
     * @param inner the real transport
     * @param selfName this node's name, the {@code from} of what it sends
     * @param faults the policy, usually shared by every node of a test
     * @param timer where delayed sends and dial timeouts wait (a real or virtual scheduler)
     */
    public FaultyTransport(Transport inner, String selfName, LinkFaults faults, Scheduler timer) {
        this.inner = inner;
        this.self = selfName;
        this.faults = faults;
        this.timer = timer;
    }

    /** The wrapped transport. */
    public Transport inner() {
        return inner;
    }

    /** The policy in force. */
    public LinkFaults faults() {
        return faults;
    }

    @Override
    public void start(TransportListener listener) throws IOException {
        inner.start(new TransportListener() {
            @Override
            public void onPacket(Packet packet) {
                String from = faults.nameOf(packet.from());
                if (from == null || !faults.isBlocked(from, self)) {
                    listener.onPacket(packet);
                }
            }

            @Override
            public void onStream(StreamConnection connection) {
                String from = faults.nameOf(connection.remoteAddress());
                if (from != null && !faults.canConnect(from, self)) {
                    connection.close();
                } else {
                    listener.onStream(connection);
                }
            }

            @Override
            public void onStreamShed(java.net.InetSocketAddress remote) {
                listener.onStreamShed(remote);
            }
        });
    }

    @Override
    public AdvertiseAddress finalAdvertiseAddr(String ip, int port) throws IOException {
        AdvertiseAddress adv = inner.finalAdvertiseAddr(ip, port);
        faults.register(self, new InetSocketAddress(InetAddress.getByAddress(adv.ip()), adv.port()));
        return adv;
    }

    @Override
    public CompletableFuture<Void> writeToAddress(byte[] buf, Address addr) {
        String to = nameOf(addr);
        if (to == null) {
            return inner.writeToAddress(buf, addr);
        }
        long[] delays = faults.decidePacket(self, to);
        CompletableFuture<Void> first = CompletableFuture.completedFuture(null);
        for (int i = 0; i < delays.length; i++) {
            if (delays[i] <= 0) {
                CompletableFuture<Void> f = inner.writeToAddress(i == 0 ? buf : buf.clone(), addr);
                if (i == 0) {
                    first = f;
                }
            } else {
                // the caller may reuse its buffer once this returns
                byte[] copy = buf.clone();
                timer.schedule(() -> inner.writeToAddress(copy, addr), delays[i], TimeUnit.NANOSECONDS);
            }
        }
        // like UDP, a lost or delayed datagram still counts as sent
        return first;
    }

    @Override
    public CompletableFuture<StreamConnection> dialAddress(Address addr, Duration timeout) {
        String to = nameOf(addr);
        if (to == null) {
            return inner.dialAddress(addr, timeout);
        }
        if (!faults.decideDial(self, to)) {
            CompletableFuture<StreamConnection> f = new CompletableFuture<>();
            timer.schedule(
                    () -> f.completeExceptionally(
                            new SocketTimeoutException("dial to " + addr + " timed out after " + timeout)),
                    timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
            return f;
        }
        return inner.dialAddress(addr, timeout).thenApply(c -> new FaultyStream(c, to));
    }

    @Override
    public void shutdown() {
        inner.shutdown();
        timer.shutdown();
    }

    @Override
    public String toString() {
        return "FaultyTransport[" + self + " " + inner + "]";
    }

    private String nameOf(Address addr) {
        return !addr.name().isEmpty() ? addr.name() : faults.nameOf(addr.socketAddress());
    }

    /**
     * A dialed stream with both directions under the policy: bytes are delayed by the link's
     * fixed delay, in order, and stop flowing while the link is blocked.
     */
    private final class FaultyStream implements StreamConnection {
        private final StreamConnection inner;
        private final String peer;
        /** When the last delayed write and read are due, so that a changed delay keeps order. */
        private long writeDue;

        private long readDue;

        FaultyStream(StreamConnection inner, String peer) {
            this.inner = inner;
            this.peer = peer;
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
                    if (!faults.canConnect(peer, self)) {
                        return;
                    }
                    long wait = due(false, faults.streamDelayNanos(peer, self));
                    later(wait, () -> reader.onData(chunk));
                }

                @Override
                public void onClose(Throwable cause) {
                    if (!faults.canConnect(peer, self)) {
                        return;
                    }
                    long wait = due(false, faults.streamDelayNanos(peer, self));
                    later(wait, () -> reader.onClose(cause));
                }
            });
        }

        @Override
        public CompletableFuture<Void> write(byte[] data) {
            if (!faults.canConnect(self, peer)) {
                // sent into the void: TCP would keep it in its buffer until a deadline cuts it
                return CompletableFuture.completedFuture(null);
            }
            long wait = due(true, faults.streamDelayNanos(self, peer));
            if (wait <= 0) {
                return inner.write(data);
            }
            byte[] copy = data.clone();
            CompletableFuture<Void> f = new CompletableFuture<>();
            timer.schedule(
                    () -> inner.write(copy).whenComplete((v, e) -> {
                        if (e != null) {
                            f.completeExceptionally(e);
                        } else {
                            f.complete(null);
                        }
                    }),
                    wait,
                    TimeUnit.NANOSECONDS);
            return f;
        }

        @Override
        public void close() {
            long wait = due(true, faults.streamDelayNanos(self, peer));
            later(wait, inner::close);
        }

        /** The wait for the next event of one direction: its delay, but never before the previous one. */
        private synchronized long due(boolean write, long delay) {
            long now = timer.nanoTime();
            long due = Math.max(now + delay, write ? writeDue : readDue);
            if (write) {
                writeDue = due;
            } else {
                readDue = due;
            }
            return due - now;
        }

        private void later(long wait, Runnable r) {
            if (wait <= 0) {
                r.run();
            } else {
                timer.schedule(r, wait, TimeUnit.NANOSECONDS);
            }
        }
    }
}
