package dev.memberlist.engine.transport.mock;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.scheduler.Cancellable;
import dev.memberlist.engine.scheduler.Scheduler;
import dev.memberlist.engine.scheduler.Simulation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory network for deterministic protocol tests and simulations (Go's
 * {@code MockNetwork}). Each {@link #newTransport(String)} gets its own address; packets are
 * routed by node name when the destination {@code Address} has one, else by socket address.
 *
 * <p>Transports get {@code 127.0.0.1:20000}, {@code :20001}, ... in creation order. A packet to
 * an unknown, unstarted or shut-down transport is silently dropped (like UDP); a dial to one
 * fails with "connection refused".
 *
 * <p>Real-time mode ({@link #MockNetwork()}) delivers synchronously on the sender's thread.
 * Simulated mode ({@link #MockNetwork(Simulation)}) makes every packet, stream accept, stream
 * chunk and stream close an event on the network's own scheduler, {@link #latency()} after it
 * was sent, so a run is the same every time. A stream's events keep their order.
 */
public final class MockNetwork {
    /** The first port handed out. */
    static final int FIRST_PORT = 20000;

    static final InetAddress LOOPBACK;

    static {
        try {
            LOOPBACK = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Null in real-time mode. */
    private final Scheduler scheduler;

    private final Map<String, MockTransport> byName = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, MockTransport> byAddr = new ConcurrentHashMap<>();
    private int nextPort = FIRST_PORT;
    private volatile long latencyNanos = TimeUnit.MILLISECONDS.toNanos(1);

    /** A network that delivers at once, on the sender's thread (for nodes on real schedulers). */
    public MockNetwork() {
        this.scheduler = null;
    }

    /** A network on a simulation's virtual clock; every delivery is a scheduled event. */
    public MockNetwork(Simulation simulation) {
        this.scheduler = simulation.newScheduler("network");
    }

    /**
     * A transport for a node of this name, with a fresh address. Like Go, a later transport of
     * the same name takes over routing by that name.
     */
    public synchronized MockTransport newTransport(String name) {
        if (nextPort > 65535) {
            throw new IllegalStateException("mock network out of ports");
        }
        InetSocketAddress sa = new InetSocketAddress(LOOPBACK, nextPort++);
        MockTransport t = new MockTransport(this, new Address(sa, name));
        byAddr.put(sa, t);
        byName.put(name, t);
        return t;
    }

    /** True for a network on virtual time. */
    public boolean isSimulated() {
        return scheduler != null;
    }

    /** The one-way delay of every delivery in simulated mode; 1 ms unless set. */
    public Duration latency() {
        return Duration.ofNanos(latencyNanos);
    }

    /**
     * Sets the one-way delay of every delivery from now on.
     *
     * @throws IllegalStateException in real-time mode, which always delivers at once
     */
    public void setLatency(Duration latency) {
        if (scheduler == null) {
            throw new IllegalStateException("real-time mock network delivers at once");
        }
        if (latency.isNegative()) {
            throw new IllegalArgumentException("negative latency " + latency);
        }
        latencyNanos = latency.toNanos();
    }

    /** The transport {@code addr} routes to, or null: by name when it has one, else by socket address. */
    MockTransport route(Address addr) {
        if (!addr.name().isEmpty()) {
            return byName.get(addr.name());
        }
        return byAddr.get(addr.socketAddress());
    }

    /** Takes a shut-down transport off the network. */
    void remove(MockTransport t) {
        byAddr.remove(t.socketAddress(), t);
        byName.remove(t.name(), t);
    }

    // Every delivery goes through the two methods below: the place for a later per-link policy
    // (loss, delay, duplication, reordering, partitions). Packets may be reordered or lost;
    // stream events must keep their order and may only be delayed or cut as a whole.

    /** Sends one datagram from {@code from} to {@code to}. */
    void deliverPacket(MockTransport from, MockTransport to, byte[] buf) {
        InetSocketAddress src = from.socketAddress();
        send(() -> to.receivePacket(buf, src));
    }

    /** One stream event (accept, chunk or close) from {@code from} to {@code to}, in order. */
    void deliverStream(MockTransport from, MockTransport to, Runnable event) {
        send(event);
    }

    /** Runs a dial's timeout: never in real-time mode, where dials complete at once. */
    Cancellable scheduleTimeout(Runnable task, Duration timeout) {
        if (scheduler == null) {
            return Cancellable.DONE;
        }
        return scheduler.schedule(task, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs a local event (such as handing buffered data to a new reader) as soon as possible. */
    void runLocal(Runnable event) {
        if (scheduler == null) {
            event.run();
        } else {
            scheduler.execute(event);
        }
    }

    private void send(Runnable event) {
        if (scheduler == null) {
            event.run();
        } else {
            scheduler.schedule(event, latencyNanos, TimeUnit.NANOSECONDS);
        }
    }
}
