package dev.memberlist.engine.sim;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.engine.delegate.EventDelegate;
import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.engine.scheduler.Scheduler;
import dev.memberlist.engine.transport.Transport;
import dev.memberlist.test.network.MockNetwork;
import dev.memberlist.test.network.MockTransport;
import dev.memberlist.test.simulation.Simulation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * A cluster of memberlist nodes on one {@link Simulation} clock and one {@link MockNetwork}:
 * deterministic for a seed, thousands of nodes in one JVM, no real waiting. Records every
 * event delegate callback with its virtual time, so two runs can be compared.
 */
public final class SimCluster implements AutoCloseable {
    /** One event delegate callback. */
    public record Event(long nanos, String self, String kind, String node, NodeState state, String meta) {
        @Override
        public String toString() {
            return nanos / 1_000_000 + "ms " + self + " " + kind + " " + node + " " + state + " '" + meta + "'";
        }
    }

    public final Simulation sim;
    public final MockNetwork network;
    private final List<Memberlist> nodes = new ArrayList<>();
    private final List<MockTransport> transports = new ArrayList<>();
    private final List<SimNode> delegates = new ArrayList<>();
    private final List<Boolean> live = new ArrayList<>();
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final UnaryOperator<Config> configurer;
    private final TransportWrapper wrapper;
    private volatile boolean recordEvents = true;

    /** Puts something between a node and its mock transport (a fault, a counter). */
    @FunctionalInterface
    public interface TransportWrapper {
        /**
         * @param index the node's index
         * @param transport its transport on the mock network
         * @param scheduler the node's protocol scheduler on the simulation clock
         * @return what the node uses as its transport
         */
        Transport wrap(int index, MockTransport transport, Scheduler scheduler);
    }

    /**
     * @param seed every random choice of the run
     * @param configurer adjusts each node's config (name, transport, scheduler and random are set)
     */
    public SimCluster(long seed, UnaryOperator<Config> configurer) {
        this(seed, configurer, (i, t, s) -> t);
    }

    /**
     * @param seed every random choice of the run
     * @param configurer adjusts each node's config (name, transport, scheduler and random are set)
     * @param wrapper builds each node's transport around its mock transport
     */
    public SimCluster(long seed, UnaryOperator<Config> configurer, TransportWrapper wrapper) {
        this(new Simulation(seed), configurer, wrapper);
    }

    /**
     * A cluster whose nodes run in {@code lanes} lanes side by side ({@link Simulation}), the
     * network's latency (1 ms) being the lookahead.
     *
     * @param seed every random choice of the run
     * @param lanes lanes of the simulation, 1 for the sequential run
     * @param configurer adjusts each node's config (name, transport, scheduler and random are set)
     */
    public SimCluster(long seed, int lanes, UnaryOperator<Config> configurer) {
        this(new Simulation(seed, lanes, Duration.ofMillis(1)), configurer, (i, t, s) -> t);
    }

    private SimCluster(Simulation sim, UnaryOperator<Config> configurer, TransportWrapper wrapper) {
        this.sim = sim;
        this.network = new MockNetwork(sim);
        this.configurer = configurer;
        this.wrapper = wrapper;
    }

    /**
     * Whether event delegate callbacks are recorded (the default). At thousands of nodes the
     * joins alone are millions of events; a large run that does not read them turns this off.
     */
    public SimCluster recordEvents(boolean record) {
        this.recordEvents = record;
        return this;
    }

    /** Starts {@code n} more nodes named {@code n-<index>}. */
    public void start(int n) {
        for (int i = 0; i < n; i++) {
            add();
        }
    }

    /**
     * Starts {@code n} more nodes one after another, a random gap in {@code [0, maxGap)} of
     * virtual time apart (drawn from the simulation's seed). Nodes started at the same instant
     * have their probe and gossip tickers in lockstep, which real processes never have: every
     * rumour then waits a whole gossip interval at each hop instead of half of one on average.
     */
    public void startStaggered(int n, Duration maxGap) {
        java.util.Random gaps = sim.newRandom();
        long bound = Math.max(1, maxGap.toNanos());
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sim.runFor(Duration.ofNanos(Math.floorMod(gaps.nextLong(), bound)));
            }
            add();
        }
    }

    /** Starts one more node; returns its index. */
    public int add() {
        int i = nodes.size();
        String name = "n-" + i;
        SimNode d = new SimNode(name);
        MockTransport t = network.newTransport(name);
        nodes.add(create(i, name, t, d));
        delegates.add(d);
        transports.add(t);
        live.add(true);
        return i;
    }

    private Memberlist create(int i, String name, MockTransport t, SimNode d) {
        Scheduler scheduler = sim.newScheduler(name);
        Config c = configurer.apply(Config.lan()
                .setName(name)
                .setTransport(wrapper.wrap(i, t, scheduler))
                .setScheduler(scheduler)
                .setRandom(sim.newRandom())
                .setDelegate(d)
                .setEvents(d));
        try {
            return Memberlist.create(c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a crashed (or left and shut down) node again under the same name: a new process
     * with a fresh incarnation, knowing only itself until it {@link #join joins}.
     *
     * @param samePort true to come back at the address it had, false for a fresh port
     */
    public Memberlist restart(int i, boolean samePort) {
        if (live.get(i)) {
            throw new IllegalStateException("node " + i + " is running");
        }
        String name = name(i);
        MockTransport t = samePort
                ? network.newTransport(name, nodes.get(i).advertiseAddress().getPort())
                : network.newTransport(name);
        SimNode d = new SimNode(name);
        Memberlist m = create(i, name, t, d);
        nodes.set(i, m);
        delegates.set(i, d);
        transports.set(i, t);
        live.set(i, true);
        return m;
    }

    /** Node {@code i} joins node {@code seed}; runs until the join answered. */
    public void join(int i, int seed) {
        CompletableFuture<Integer> j = nodes.get(i).joinAsync(List.of(seedAddress(seed)));
        runUntil(j::isDone, Duration.ofMinutes(1));
        j.join();
    }

    /** Node {@code i} leaves gracefully (waiting for its broadcast, at most {@code timeout}), then shuts down. */
    public void leaveAndShutdown(int i, Duration timeout) {
        CompletableFuture<Void> f = nodes.get(i).leaveAsync(timeout);
        runUntil(f::isDone, timeout.plusSeconds(1));
        live.set(i, false);
        nodes.get(i).shutdown();
    }

    /** The name of node {@code i}. */
    public String name(int i) {
        return nodes.get(i).name();
    }

    /** The names of some nodes. */
    public List<String> names(Collection<Integer> indexes) {
        return indexes.stream().map(this::name).toList();
    }

    /** True when every node in {@code observers} holds every node in {@code targets} alive. */
    public boolean allSeeAlive(Collection<Integer> observers, Collection<Integer> targets) {
        for (int o : observers) {
            for (int t : targets) {
                Node n = nodes.get(o).node(name(t));
                if (n == null || n.state() != NodeState.ALIVE) {
                    return false;
                }
            }
        }
        return true;
    }

    /** True when every node in {@code observers} holds every node in {@code targets} dead (or has reaped it). */
    public boolean allSeeDead(Collection<Integer> observers, Collection<Integer> targets) {
        for (int o : observers) {
            for (int t : targets) {
                Node n = nodes.get(o).node(name(t));
                if (n != null && !n.state().deadOrLeft()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Leave events with state DEAD (failures, not graceful leaves) about the named nodes, seen by anyone. */
    public List<Event> deaths(Collection<String> about) {
        return events().stream()
                .filter(e -> e.kind().equals("leave") && e.state() == NodeState.DEAD && about.contains(e.node()))
                .toList();
    }

    /** Every node but the first joins the first; runs until the joins have answered. */
    public void joinAllToFirst() {
        String seed = seedAddress(0);
        List<CompletableFuture<Integer>> joins = new ArrayList<>();
        for (int i = 1; i < nodes.size(); i++) {
            joins.add(nodes.get(i).joinAsync(List.of(seed)));
        }
        runUntil(() -> joins.stream().allMatch(CompletableFuture::isDone), Duration.ofMinutes(5));
        for (CompletableFuture<Integer> j : joins) {
            j.join();
        }
    }

    private String seedAddress(int i) {
        return nodes.get(i).advertiseAddress().getAddress().getHostAddress() + ":"
                + nodes.get(i).advertiseAddress().getPort();
    }

    /** The node at an index. */
    public Memberlist node(int i) {
        return nodes.get(i);
    }

    /** The mock transport of the node at an index (under any wrapper), for its traffic counters. */
    public MockTransport transport(int i) {
        return transports.get(i);
    }

    /** How many nodes were started. */
    public int size() {
        return nodes.size();
    }

    /** Indexes of nodes not crashed. */
    public List<Integer> liveIndexes() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (live.get(i)) {
                out.add(i);
            }
        }
        return out;
    }

    /** Stops a node without leaving: a crash. */
    public void crash(int i) {
        live.set(i, false);
        nodes.get(i).shutdown();
    }

    /** Sets a node's metadata and gossips it. */
    public CompletableFuture<Void> updateMeta(int i, String meta) {
        delegates.get(i).meta = meta.getBytes(StandardCharsets.UTF_8);
        return nodes.get(i).updateNodeAsync(Duration.ZERO);
    }

    /**
     * True when every live node holds every live node alive and knows no other node as alive.
     * Reads each node's state counts rather than its member list, so a check costs O(nodes)
     * (plus the crashed nodes), not O(nodes^2): at 1,000 nodes it runs every 50 ms of virtual time.
     */
    public boolean converged() {
        List<Integer> liveIdx = liveIndexes();
        int liveCount = liveIdx.size();
        for (int i : liveIdx) {
            Map<NodeState, Integer> counts = nodes.get(i).stateCounts();
            if (counts.getOrDefault(NodeState.ALIVE, 0) != liveCount
                    || counts.getOrDefault(NodeState.SUSPECT, 0) != 0) {
                return false;
            }
        }
        // liveCount alive entries, none of them a crashed node: exactly the live nodes
        for (int dead = 0; dead < nodes.size(); dead++) {
            if (live.get(dead)) {
                continue;
            }
            String name = nodes.get(dead).name();
            for (int i : liveIdx) {
                Node n = nodes.get(i).node(name);
                if (n != null && n.state() == NodeState.ALIVE) {
                    return false;
                }
            }
        }
        return true;
    }

    /** True when every live node holds node {@code victim} dead (or has reaped it). */
    public boolean allSeeDead(int victim) {
        String name = nodes.get(victim).name();
        for (int i : liveIndexes()) {
            Node n = nodes.get(i).node(name);
            if (n != null && !n.state().deadOrLeft()) {
                return false;
            }
        }
        return true;
    }

    /** True when every live node but {@code i} holds node i's metadata as {@code meta}. */
    public boolean allSeeMeta(int i, String meta) {
        String name = nodes.get(i).name();
        for (int j : liveIndexes()) {
            Node n = nodes.get(j).node(name);
            if (n == null || !n.metaString().equals(meta)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs the simulation, checking the condition every 50 ms of virtual time.
     *
     * @return the virtual time it took, or null when {@code max} passed first
     */
    public Duration runUntil(BooleanSupplier condition, Duration max) {
        long start = sim.nanoTime();
        long end = start + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (sim.nanoTime() >= end) {
                return null;
            }
            sim.runFor(Duration.ofMillis(50));
        }
        return Duration.ofNanos(sim.nanoTime() - start);
    }

    /** Every event recorded so far. */
    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Messages node {@code i}'s delegate received. */
    public List<String> messages(int i) {
        return delegates.get(i).messages;
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes.size(); i++) {
            if (live.get(i)) {
                nodes.get(i).shutdown();
            }
        }
    }

    private final class SimNode implements NodeDelegate, EventDelegate {
        final String name;
        volatile byte[] meta = new byte[0];
        final List<String> messages = Collections.synchronizedList(new ArrayList<>());

        SimNode(String name) {
            this.name = name;
        }

        @Override
        public byte[] nodeMeta(int limit) {
            return meta;
        }

        @Override
        public void notifyMsg(byte[] msg) {
            messages.add(new String(msg, StandardCharsets.UTF_8));
        }

        @Override
        public void notifyJoin(Node node) {
            record("join", node);
        }

        @Override
        public void notifyLeave(Node node) {
            record("leave", node);
        }

        @Override
        public void notifyUpdate(Node node) {
            record("update", node);
        }

        private void record(String kind, Node node) {
            if (!recordEvents) {
                return;
            }
            events.add(new Event(sim.nanoTime(), name, kind, node.name(), node.state(), node.metaString()));
        }
    }
}
