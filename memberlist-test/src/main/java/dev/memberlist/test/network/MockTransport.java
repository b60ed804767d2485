package dev.memberlist.test.network;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.scheduler.Cancellable;
import dev.memberlist.engine.scheduler.Scheduler;
import dev.memberlist.engine.transport.AdvertiseAddress;
import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.transport.Transport;
import dev.memberlist.engine.transport.TransportListener;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node's end of a {@link MockNetwork}. Until {@link #start} it receives nothing: packets to
 * it are dropped and dials to it are refused, as for a socket not yet bound.
 */
public final class MockTransport implements Transport {
    private final MockNetwork network;
    private final Address address;
    private final Set<MockStream> streams = ConcurrentHashMap.newKeySet();

    private volatile TransportListener listener;
    private volatile boolean shutdown;

    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong pktsOut = new AtomicLong();
    private final AtomicLong pktsIn = new AtomicLong();
    private final AtomicLong streamBytesOut = new AtomicLong();
    private final AtomicLong streamBytesIn = new AtomicLong();

    /** Where deliveries to this transport run in a simulation; null in real-time mode. */
    private final Scheduler deliveries;

    MockTransport(MockNetwork network, Address address, Scheduler deliveries) {
        this.network = network;
        this.address = address;
        this.deliveries = deliveries;
    }

    Scheduler deliveries() {
        return deliveries;
    }

    /** This transport's address, {@code 127.0.0.1:<port>} with the node name. */
    public Address address() {
        return address;
    }

    /** The node name this transport was created for. */
    public String name() {
        return address.name();
    }

    /**
     * What went through this transport so far.
     *
     * @param bytesOut packet bytes sent (delivered or not)
     * @param bytesIn packet bytes delivered to this transport's listener
     * @param pktsOut packets sent
     * @param pktsIn packets delivered to this transport's listener
     * @param streamBytesOut stream bytes written
     * @param streamBytesIn stream bytes that arrived on this transport's open streams
     */
    public record Stats(
            long bytesOut, long bytesIn, long pktsOut, long pktsIn, long streamBytesOut, long streamBytesIn) {}

    /** A snapshot of the counters. */
    public Stats stats() {
        return new Stats(
                bytesOut.get(), bytesIn.get(), pktsOut.get(), pktsIn.get(), streamBytesOut.get(), streamBytesIn.get());
    }

    @Override
    public synchronized void start(TransportListener listener) throws IOException {
        if (shutdown) {
            throw new IOException("mock transport " + address + " is shut down");
        }
        if (this.listener != null) {
            throw new IllegalStateException("mock transport " + address + " already started");
        }
        this.listener = listener;
    }

    /**
     * {@code 127.0.0.1} and this transport's port. As Go's {@code NetTransport} does, an
     * explicit {@code ip} wins, with {@code port} (or this transport's port when 0); without an
     * ip, the requested port is ignored: the config's default advertise port (7946) would
     * otherwise send every mock node to the same address.
     */
    @Override
    public AdvertiseAddress finalAdvertiseAddr(String ip, int port) throws IOException {
        if (ip != null && !ip.isEmpty()) {
            InetAddress a = parseIpLiteral(ip);
            byte[] raw = a.getAddress();
            return new AdvertiseAddress(raw, port > 0 ? port : socketAddress().getPort());
        }
        return new AdvertiseAddress(
                MockNetwork.LOOPBACK.getAddress(), socketAddress().getPort());
    }

    @Override
    public CompletableFuture<Void> writeToAddress(byte[] buf, Address addr) {
        if (shutdown) {
            return CompletableFuture.failedFuture(new IOException("mock transport " + address + " is shut down"));
        }
        pktsOut.incrementAndGet();
        bytesOut.addAndGet(buf.length);
        MockTransport dest = network.route(addr);
        if (dest != null) {
            // the receiver owns its copy; the sender may reuse its buffer
            network.deliverPacket(this, dest, buf.clone());
        }
        // like UDP: sent is all the sender learns
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<StreamConnection> dialAddress(Address addr, Duration timeout) {
        if (shutdown) {
            return CompletableFuture.failedFuture(new IOException("mock transport " + address + " is shut down"));
        }
        MockTransport dest = network.route(addr);
        if (network.dialBlocked(this, dest != null ? dest.name() : addr.name())) {
            // the SYN or its answer is lost: the connect times out
            CompletableFuture<StreamConnection> blocked = new CompletableFuture<>();
            network.scheduleTimeout(this, () -> blocked.completeExceptionally(dialTimeout(addr, timeout)), timeout);
            return blocked;
        }
        if (dest == null || !dest.isLive()) {
            return CompletableFuture.failedFuture(refused(addr));
        }
        MockStream client = new MockStream(this, dest.socketAddress());
        MockStream server = new MockStream(dest, socketAddress());
        client.connect(server);
        CompletableFuture<StreamConnection> future = new CompletableFuture<>();
        Cancellable timer =
                network.scheduleTimeout(this, () -> future.completeExceptionally(dialTimeout(addr, timeout)), timeout);
        if (network.laned()) {
            dialLaned(addr, dest, client, server, future, timer);
            return future;
        }
        network.deliverStream(this, dest, () -> {
            timer.cancel();
            if (future.isDone()) {
                return; // timed out
            }
            if (shutdown) {
                future.completeExceptionally(new IOException("mock transport " + address + " is shut down"));
            } else if (!dest.isLive()) {
                future.completeExceptionally(refused(addr));
            } else {
                streams.add(client);
                dest.accept(server);
                future.complete(client);
            }
        });
        return future;
    }

    /**
     * A dial in a simulation of several lanes: the destination accepts in its lane, and the dialer
     * learns of it in its own, a latency later (a handshake's round trip): no event of one node
     * runs in the other's lane.
     */
    private void dialLaned(
            Address addr,
            MockTransport dest,
            MockStream client,
            MockStream server,
            CompletableFuture<StreamConnection> future,
            Cancellable timer) {
        network.deliverStream(this, dest, () -> {
            boolean accepted = !shutdown && dest.isLive();
            if (accepted) {
                dest.accept(server);
            }
            network.deliverStream(dest, this, () -> {
                timer.cancel();
                if (future.isDone()) {
                    if (accepted) {
                        client.close(); // timed out: the accepted end learns it is gone
                    }
                    return;
                }
                if (shutdown) {
                    future.completeExceptionally(new IOException("mock transport " + address + " is shut down"));
                } else if (!accepted) {
                    future.completeExceptionally(refused(addr));
                } else {
                    streams.add(client);
                    future.complete(client);
                }
            });
        });
    }

    @Override
    public void shutdown() {
        synchronized (this) {
            if (shutdown) {
                return;
            }
            shutdown = true;
        }
        network.remove(this);
        for (MockStream s : new ArrayList<>(streams)) {
            s.close();
        }
    }

    @Override
    public String toString() {
        return "MockTransport[" + address + "]";
    }

    InetSocketAddress socketAddress() {
        return address.socketAddress();
    }

    MockNetwork network() {
        return network;
    }

    /** Started and not shut down: reachable. */
    boolean isLive() {
        return listener != null && !shutdown;
    }

    /** A datagram arrives. */
    void receivePacket(byte[] buf, InetSocketAddress from) {
        TransportListener l = listener;
        if (l == null || shutdown) {
            return;
        }
        pktsIn.incrementAndGet();
        bytesIn.addAndGet(buf.length);
        l.onPacket(new Packet(buf, from));
    }

    /** A dialed stream arrives. */
    private void accept(MockStream server) {
        streams.add(server);
        listener.onStream(server);
    }

    void streamClosed(MockStream s) {
        streams.remove(s);
    }

    void countStreamOut(int n) {
        streamBytesOut.addAndGet(n);
    }

    void countStreamIn(int n) {
        streamBytesIn.addAndGet(n);
    }

    private static SocketTimeoutException dialTimeout(Address addr, Duration timeout) {
        return new SocketTimeoutException("mock dial to " + addr + " timed out after " + timeout);
    }

    private static ConnectException refused(Address addr) {
        return new ConnectException("connection refused: " + addr);
    }

    /** An IP literal, never a host name: a mock network must not touch DNS. */
    private static InetAddress parseIpLiteral(String ip) throws IOException {
        String s = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
        try {
            if (s.indexOf(':') >= 0) {
                // with a colon, Java parses an IPv6 literal and never resolves
                return InetAddress.getByName(s);
            }
            String[] parts = s.split("\\.", -1);
            if (parts.length == 4) {
                byte[] raw = new byte[4];
                for (int i = 0; i < 4; i++) {
                    if (!parts[i].matches("[0-9]{1,3}")) {
                        throw new NumberFormatException(parts[i]);
                    }
                    int v = Integer.parseInt(parts[i]);
                    if (v > 255) {
                        throw new NumberFormatException(parts[i]);
                    }
                    raw[i] = (byte) v;
                }
                return InetAddress.getByAddress(raw);
            }
        } catch (IOException | NumberFormatException e) {
            throw new IOException("failed to parse advertise address " + ip, e);
        }
        throw new IOException("failed to parse advertise address " + ip);
    }
}
