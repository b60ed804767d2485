package dev.memberlist.test.network;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.scheduler.Cancellable;
import dev.memberlist.engine.scheduler.Scheduler;
import dev.memberlist.test.fault.LinkFaults;
import dev.memberlist.test.simulation.Simulation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory network for deterministic protocol tests and simulations (Go's
 * {@code MockNetwork}). Each {@link #newTransport(String)} gets its own address; packets are
 * routed by node name when the destination {@code Address} has one, else by socket address
 * (and by socket address too when it is where a restarted node of that name used to be).
 *
 * <p>Transports get {@code 127.0.0.1:20000}, {@code :20001}, ... in creation order. A packet to
 * an unknown, unstarted or shut-down transport is silently dropped (like UDP); a dial to one
 * fails with "connection refused".
 *
 * <p>Real-time mode ({@link #MockNetwork()}) delivers synchronously on the sender's thread.
 * Simulated mode ({@link #MockNetwork(Simulation)}) makes every packet, stream accept, stream
 * chunk and stream close an event on a scheduler of its receiver's name, {@link #latency()} after it
 * was sent, so a run is the same every time. A stream's events keep their order.
 *
 * <p>{@link #setFaults(LinkFaults)} makes the network unreliable: every packet and stream event
 * from node A to node B (by transport name) then goes through the policy's decision for the
 * link {@code A -> B}: loss, extra delay and jitter, duplication, one-way blocks and
 * partitions. On a simulation this stays deterministic for the policy's seed. In real-time
 * mode, delayed deliveries and the timeouts of blocked dials wait on a shared daemon timer
 * thread.
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
    private final Simulation simulation;

    private final Map<String, MockTransport> byName = new ConcurrentHashMap<>();
    /** Socket addresses of transports that shut down: see {@link #route}. */
    private final Set<InetSocketAddress> retired = ConcurrentHashMap.newKeySet();

    private final Map<InetSocketAddress, MockTransport> byAddr = new ConcurrentHashMap<>();
    private int nextPort = FIRST_PORT;
    private volatile long latencyNanos = TimeUnit.MILLISECONDS.toNanos(1);
    private volatile LinkFaults faults;
    /** Per direction, when its last stream event is due: a changed delay must not reorder a stream. */
    private final Map<Link, Long> streamDue = new ConcurrentHashMap<>();

    private record Link(String from, String to) {}

    /** Waits for delayed deliveries in real-time mode; created on first use. */
    private static volatile ScheduledExecutorService realTimeTimer;

    /** A network that delivers at once, on the sender's thread (for nodes on real schedulers). */
    public MockNetwork() {
        this.simulation = null;
    }

    /** A network on a simulation's virtual clock; every delivery is a scheduled event. */
    public MockNetwork(Simulation simulation) {
        this.simulation = simulation;
    }

    /**
     * A transport for a node of this name, with a fresh address. Like Go, a later transport of
     * the same name takes over routing by that name.
     */
    public synchronized MockTransport newTransport(String name) {
        while (nextPort <= 65535 && byAddr.containsKey(new InetSocketAddress(LOOPBACK, nextPort))) {
            nextPort++; // taken by newTransport(name, port)
        }
        if (nextPort > 65535) {
            throw new IllegalStateException("mock network out of ports");
        }
        return newTransport(name, nextPort++);
    }

    /**
     * A transport for a node of this name at a port of its choosing: a node restarted at the
     * address it had before. Routing by that name and by that address goes to the new
     * transport.
     *
     * @throws IllegalStateException when a transport that is not shut down holds the port
     */
    public synchronized MockTransport newTransport(String name, int port) {
        InetSocketAddress sa = new InetSocketAddress(LOOPBACK, port);
        if (byAddr.containsKey(sa)) {
            throw new IllegalStateException("mock address " + sa + " is in use");
        }
        // deliveries to a node are events of its own name: in a simulation of several lanes they
        // run in the node's lane
        Scheduler deliveries = simulation == null ? null : simulation.newScheduler(name);
        MockTransport t = new MockTransport(this, new Address(sa, name), deliveries);
        byAddr.put(sa, t);
        byName.put(name, t);
        return t;
    }

    /**
     * The addresses of the transports that are started and not shut down, by port: the seeds a
     * node joining everyone already on this network would use.
     */
    public List<Address> liveAddresses() {
        return byAddr.values().stream()
                .filter(MockTransport::isLive)
                .map(MockTransport::address)
                .sorted(Comparator.comparingInt(a -> a.socketAddress().getPort()))
                .toList();
    }

    /** True for a network on virtual time. */
    public boolean isSimulated() {
        return simulation != null;
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
        if (simulation == null) {
            throw new IllegalStateException("real-time mock network delivers at once");
        }
        if (latency.isNegative()) {
            throw new IllegalArgumentException("negative latency " + latency);
        }
        if (simulation.lanes() > 1 && latency.compareTo(lookahead()) < 0) {
            throw new IllegalArgumentException("latency " + latency + " under the simulation's lookahead");
        }
        latencyNanos = latency.toNanos();
    }

    /**
     * Puts a fault policy on every delivery from now on, keyed by the transports' node names;
     * null makes the network perfect again. The policy can be changed while nodes run (block,
     * partition, heal, new loss rules); see {@link LinkFaults} for what applies to streams.
     */
    public void setFaults(LinkFaults faults) {
        if (faults != null && simulation != null && simulation.lanes() > 1) {
            // the policy's random choices would depend on which lane asks first
            throw new IllegalStateException("link faults need a simulation of one lane");
        }
        this.faults = faults;
    }

    /** True when deliveries may run on other threads than their senders' within a window. */
    boolean laned() {
        return simulation != null && simulation.lanes() > 1;
    }

    private Duration lookahead() {
        return latency();
    }

    /** The fault policy in force, or null for a perfect network. */
    public LinkFaults faults() {
        return faults;
    }

    /**
     * The transport {@code addr} routes to, or null: by name when it has one, else by socket
     * address. One exception keeps restarts realistic: an address where a node of that name
     * used to be before it shut down and came back elsewhere goes where its socket address
     * goes (nowhere, unless another transport took it), as on a real network.
     */
    MockTransport route(Address addr) {
        if (!addr.name().isEmpty()) {
            MockTransport t = byName.get(addr.name());
            if (t == null
                    || t.socketAddress().equals(addr.socketAddress())
                    || !retired.contains(addr.socketAddress())) {
                return t;
            }
        }
        return byAddr.get(addr.socketAddress());
    }

    /** Takes a shut-down transport off the network. */
    void remove(MockTransport t) {
        retired.add(t.socketAddress());
        byAddr.remove(t.socketAddress(), t);
        byName.remove(t.name(), t);
    }

    // Every delivery goes through the methods below, and through the fault policy when one is
    // set. Packets may be reordered, duplicated or lost; stream events keep their order and are
    // only delayed, or lost as a whole across a block (TCP stalls there until a deadline).

    /** Sends one datagram from {@code from} to {@code to}. */
    void deliverPacket(MockTransport from, MockTransport to, byte[] buf) {
        InetSocketAddress src = from.socketAddress();
        LinkFaults f = faults;
        if (f == null) {
            send(to, () -> to.receivePacket(buf, src), 0);
            return;
        }
        long[] delays = f.decidePacket(from.name(), to.name());
        for (int i = 0; i < delays.length; i++) {
            // each copy is owned by its receiver
            byte[] copy = i == 0 ? buf : buf.clone();
            send(to, () -> to.receivePacket(copy, src), delays[i]);
        }
    }

    /**
     * True when a dial from {@code from} to the node named {@code to} must time out: the fault
     * policy blocks one of the two directions. Decided before looking at the destination, as
     * across a partition a crashed node and a live one look the same.
     */
    boolean dialBlocked(MockTransport from, String to) {
        LinkFaults f = faults;
        return f != null && to != null && !to.isEmpty() && !f.decideDial(from.name(), to);
    }

    /** One stream event (accept, chunk or close) from {@code from} to {@code to}, in order. */
    void deliverStream(MockTransport from, MockTransport to, Runnable event) {
        LinkFaults f = faults;
        if (f == null) {
            send(to, event, 0);
            return;
        }
        if (!f.canConnect(from.name(), to.name())) {
            return;
        }
        long extra = f.streamDelayNanos(from.name(), to.name());
        long wait;
        synchronized (streamDue) {
            long now = simulation != null ? simulation.nanoTime() : System.nanoTime();
            long due = now + extra;
            Long last = streamDue.get(new Link(from.name(), to.name()));
            if (last != null && last > due) {
                due = last;
            }
            streamDue.put(new Link(from.name(), to.name()), due);
            wait = due - now;
        }
        send(to, event, wait);
    }

    /**
     * Runs a dial's timeout: in real-time mode only when faults are set (a blocked dial must
     * time out), since without them dials complete at once.
     */
    Cancellable scheduleTimeout(MockTransport owner, Runnable task, Duration timeout) {
        if (simulation != null) {
            return owner.deliveries().schedule(task, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        if (faults == null) {
            return Cancellable.DONE;
        }
        java.util.concurrent.ScheduledFuture<?> f =
                realTimeTimer().schedule(task, timeout.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    /** Runs a local event of {@code owner} (such as handing buffered data to a new reader) as soon as possible. */
    void runLocal(MockTransport owner, Runnable event) {
        if (simulation == null) {
            event.run();
        } else {
            owner.deliveries().execute(event);
        }
    }

    /** Delivers to {@code to} after the network latency plus {@code extraNanos}. */
    private void send(MockTransport to, Runnable event, long extraNanos) {
        if (simulation != null) {
            to.deliveries().schedule(event, latencyNanos + extraNanos, TimeUnit.NANOSECONDS);
        } else if (extraNanos <= 0) {
            event.run();
        } else {
            realTimeTimer().schedule(event, extraNanos, TimeUnit.NANOSECONDS);
        }
    }

    private static ScheduledExecutorService realTimeTimer() {
        ScheduledExecutorService t = realTimeTimer;
        if (t == null) {
            synchronized (MockNetwork.class) {
                t = realTimeTimer;
                if (t == null) {
                    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
                        Thread th = new Thread(r, "mock-network-faults");
                        th.setDaemon(true);
                        return th;
                    });
                    e.setRemoveOnCancelPolicy(true);
                    realTimeTimer = t = e;
                }
            }
        }
        return t;
    }
}
