package dev.memberlist.engine;

import dev.memberlist.engine.broadcast.QueueView;
import dev.memberlist.engine.scheduler.Cancellable;
import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.MessageType;
import dev.memberlist.test.network.MockNetwork;
import dev.memberlist.test.simulation.Simulation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * What Go's state tests build on, on a virtual clock and an in-memory network: {@link #host}
 * is Go's {@code HostMemberlist} (listening, but nothing scheduled: the test drives probes and
 * gossip itself), {@link #unstarted} is Go's {@code GetMemberlist} for pure state-machine tests
 * (the node table starts empty, not even holding ourselves). Between {@link #run} calls the
 * simulation is idle, so a test may call the protocol internals directly, as Go's tests do.
 */
final class GoHarness implements AutoCloseable {
    /** One-way delay of the mock network: a loopback round trip is well under Go's 1 ms probe timeout. */
    static final Duration LATENCY = Duration.ofNanos(50_000);

    final Simulation sim;
    final MockNetwork network;
    private final List<Memberlist> nodes = new ArrayList<>();
    private final Map<String, Firewall> firewalls = new HashMap<>();

    GoHarness() {
        this(1);
    }

    GoHarness(long seed) {
        sim = new Simulation(seed);
        network = new MockNetwork(sim);
        network.setLatency(LATENCY);
    }

    private Config base(String name, UnaryOperator<Config> f) {
        Firewall fw = new Firewall(network.newTransport(name));
        firewalls.put(name, fw);
        Config c = Config.lan()
                .setName(name)
                .setTransport(fw)
                .setScheduler(sim.newScheduler(name))
                .setRandom(sim.newRandom());
        return f == null ? c : f.apply(c);
    }

    /** Go's HostMemberlist: a listening node whose probe, gossip and push-pull loops never run. */
    Memberlist host(String name, UnaryOperator<Config> f) {
        try {
            Memberlist m = Memberlist.create(base(name, f));
            nodes.add(m);
            deschedule(m);
            settle(); // its own join event, as Go delivers it within Create
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A node as Go's Create makes it: listening, probing, gossiping and pushing state. */
    Memberlist node(String name, UnaryOperator<Config> f) {
        try {
            Memberlist m = Memberlist.create(base(name, f));
            nodes.add(m);
            settle();
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Go's GetMemberlist (newMemberlist): a node whose table is empty, for state transitions. */
    Memberlist unstarted(String name, UnaryOperator<Config> f) {
        Memberlist m = Memberlist.prepare(base(name, f));
        nodes.add(m);
        return m;
    }

    /** The firewall in front of a node's transport. */
    Firewall firewall(String name) {
        return firewalls.get(name);
    }

    /** Runs the simulation for a while. */
    void run(Duration d) {
        sim.runFor(d);
    }

    void runMillis(long ms) {
        sim.runFor(Duration.ofMillis(ms));
    }

    /** Runs until the condition holds, or fails after {@code max}. */
    void runUntil(BooleanSupplier condition, Duration max) {
        if (!sim.runUntil(condition, max)) {
            throw new AssertionError("condition not reached within " + max);
        }
    }

    /** Runs what is due now: the delegate queue's deliveries, say. */
    void settle() {
        sim.runFor(Duration.ZERO);
    }

    long now() {
        return sim.nanoTime();
    }

    /** An alive message about a running node, as it announces itself (Go's {@code alive{...}}). */
    static Alive aliveOf(Memberlist peer, long incarnation, byte[] vsn) {
        return new Alive(
                incarnation,
                peer.name(),
                peer.advertiseAddress().getAddress().getAddress(),
                peer.advertiseAddress().getPort(),
                null,
                vsn);
    }

    /** An alive message about a node that does not exist: nothing answers it (Go's bogus address). */
    static Alive bogus(String name, long incarnation, byte[] vsn) {
        return new Alive(incarnation, name, new byte[] {127, 0, 0, 1}, 1, null, vsn);
    }

    /** Go's {@code m.sequenceNum}. */
    static long sequenceNum(Memberlist m) {
        return ((AtomicLong) field(NodeContext.class, m.ctx, "sequenceNum")).get();
    }

    /** Go's {@code ackHandlerExists}. */
    static boolean ackHandlerExists(Memberlist m, long seqNo) {
        Map<?, ?> handlers = (Map<?, ?>) field(Probe.class, m.ctx.probe, "ackHandlers");
        return handlers.containsKey(seqNo);
    }

    /** True while a probe round of this node is in flight (Go's probeNode has not returned). */
    static boolean probing(Memberlist m) {
        return field(Probe.class, m.ctx.probe, "current") != null;
    }

    /** Go's deschedule: stops the probe, gossip and push-pull loops. */
    @SuppressWarnings("unchecked")
    static void deschedule(Memberlist m) {
        List<Cancellable> tickers = (List<Cancellable>) field(NodeContext.class, m.ctx, "tickers");
        tickers.forEach(Cancellable::cancel);
        tickers.clear();
    }

    private static Object field(Class<?> type, Object target, String name) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("test access to " + type.getSimpleName() + "." + name, e);
        }
    }

    /** The message types queued for gossip, in Go's {@code orderedView(true)} order. */
    static List<MessageType> queuedTypes(Memberlist m) {
        List<MessageType> out = new ArrayList<>();
        for (byte[] msg : QueueView.messages(m.ctx.gossip.broadcasts, true)) {
            out.add(MessageType.fromCode(msg[0] & 0xff));
        }
        return out;
    }

    /** Go's {@code m.broadcasts.NumQueued()}. */
    static int numQueued(Memberlist m) {
        return m.ctx.gossip.broadcasts.numQueued();
    }

    /** Go's {@code m.nodeMap[name]}, as it is now: a record is replaced, never changed, so read it again after a change. */
    static NodeRecord record(Memberlist m, String name) {
        return m.ctx.membership.nodeMap.get(name);
    }

    /** Go's {@code m.nodeMap[name].StateChange}. */
    static long stateChange(Memberlist m, String name) {
        return m.ctx.membership.stateChange(name);
    }

    /** Go's tests' {@code state.StateChange = t}. */
    static void setStateChange(Memberlist m, String name, long t) {
        m.ctx.membership.putForTest(record(m, name), t);
    }

    /** Go's tests' {@code state.StateChange = state.StateChange.Add(d)}. */
    static void shiftStateChange(Memberlist m, String name, Duration d) {
        setStateChange(m, name, stateChange(m, name) + d.toNanos());
    }

    /** Go's tests' {@code state.State = s}, the rest of the record and its time of change as they were. */
    static void setState(Memberlist m, String name, NodeState s) {
        NodeRecord r = record(m, name);
        m.ctx.membership.putForTest(r.withState(r.incarnation, s), stateChange(m, name));
    }

    @Override
    public void close() {
        for (Memberlist m : nodes) {
            m.shutdown();
        }
    }
}
