package dev.memberlist.engine;

import dev.memberlist.engine.metrics.Metrics;
import dev.memberlist.engine.scheduler.Cancellable;
import dev.memberlist.engine.scheduler.Scheduler;
import dev.memberlist.engine.scheduler.SharedExecutors;
import dev.memberlist.engine.scheduler.Strand;
import dev.memberlist.engine.security.Keyring;
import dev.memberlist.engine.state.Awareness;
import dev.memberlist.engine.state.ProtocolMath;
import dev.memberlist.engine.transport.AdvertiseAddress;
import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.transport.Transport;
import dev.memberlist.engine.transport.TransportListener;
import dev.memberlist.engine.transport.net.NetTransport;
import dev.memberlist.engine.transport.net.NetTransportConfig;
import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.Dead;
import dev.memberlist.engine.wire.IndirectPingReq;
import dev.memberlist.engine.wire.Ping;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's internals: what its protocol parts ({@link Membership}, {@link Probe},
 * {@link Gossip}, {@link PushPullSync}, {@link PacketLayer}, {@link StreamLayer}) share, and the
 * one place that states who may touch what. {@link Memberlist} is a facade on top; nothing here
 * refers to it.
 *
 * <h2>Concurrency</h2>
 *
 * <ol>
 *   <li><b>The strand owns the state.</b> The node table, suspicions, the probe round, the
 *       reconnect candidates and the tickers are read and changed only by tasks on {@link #strand}:
 *       a serial strand over the JVM's shared protocol pool (or a simulation's virtual clock). No
 *       locks; a strand task never blocks on I/O and never waits for another thread.
 *   <li><b>Acks never wait.</b> I/O threads (Netty's event loops; the network's task in a
 *       simulation) decode packets and answer pings, indirect pings and TCP pings at once, and an
 *       ack or nack completes its handler there ({@link Probe}). They read only what is safe
 *       anywhere: the name, the advertise address, the sequence and incarnation counters, the
 *       published views of the node table, the broadcast queue (which locks), and the
 *       {@code PingDelegate}'s ack payload. Everything else they hand to the strand (alive,
 *       suspect, dead) or to the delegate queue (user messages), bounded, and never wait.
 *   <li><b>Delegates off the protocol's path.</b> Callbacks that need no answer (user messages,
 *       events, conflicts, ping results) run on {@link #delegates}, one at a time, in order.
 *       Callbacks that must answer are called where Go calls them: {@code AliveDelegate},
 *       {@code nodeMeta} and {@code getBroadcasts} on the strand (Go: under its node lock, or in
 *       its probe and gossip loops; never for an ack), {@code MergeDelegate}, {@code localState} and
 *       {@code mergeRemoteState} on the stream side (Go: on the stream's goroutine).
 *   <li><b>The stream side.</b> Push-pull's decoding, decompression and decryption, and the
 *       encoding, compression and encryption of our state, run on {@link #streamWork}; only
 *       taking the snapshot and merging touch the strand.
 *   <li><b>Time</b> comes from the strand ({@link Scheduler#nanoTime()}), randomness from
 *       {@link #random}, used on the strand only, so a simulation replays from its seed.
 * </ol>
 */
final class NodeContext {
    final Logger log = LoggerFactory.getLogger(Memberlist.class);

    final Config config;
    final String name;
    /** The protocol strand: see the class comment. */
    final Scheduler strand;
    /** Delegate callbacks that need no answer, serial and ordered. */
    final DelegateQueue delegates;
    /** The stream side: work that may block or take long, never on the strand or an I/O thread. */
    final Executor streamWork;

    final Transport transport;
    final Metrics metrics;
    final Random random;
    final Awareness awareness;
    final Membership membership;
    final Gossip gossip;
    final Probe probe;
    final PacketLayer packets;
    final StreamLayer streams;
    final PushPullSync pushPull;
    /** Seeds from the config's provider; null without one. */
    final Rejoin rejoin;

    /**
     * The keys we encrypt with and accept: the configured keyring, or an empty one of our own, so
     * that keys can be installed on a running plain node. Thread-safe (snapshots).
     */
    final Keyring keyring;
    /**
     * Go's {@code GossipVerifyIncoming} and {@code GossipVerifyOutgoing}, switchable on a running
     * node: read once per packet or stream, on any thread, so a change applies to the next one.
     */
    private volatile boolean gossipVerifyIncoming;

    private volatile boolean gossipVerifyOutgoing;

    private volatile byte[] advertiseAddr;
    private volatile int advertisePort;
    private final AtomicLong sequenceNum = new AtomicLong();
    private final AtomicLong incarnation = new AtomicLong();
    private volatile boolean shutdown;
    private volatile boolean leave;
    /** A join succeeded and the exchange after it is still to come. */
    private volatile boolean syncAfterJoin;
    /** The exchange after a join ran: the periodic loop leaves out its next random exchange. Strand. */
    private boolean syncedAfterJoin;

    private final CompletableFuture<Void> leaveBroadcast = new CompletableFuture<>();
    /** Strand only. */
    private final List<Cancellable> tickers = new ArrayList<>();

    private final LongAdder droppedPackets = new LongAdder();
    private final LongAdder droppedStreams = new LongAdder();
    private final LongAdder tlsHandshakeFailures = new LongAdder();
    private final Set<String> loggedDrops = ConcurrentHashMap.newKeySet();

    NodeContext(Config config) {
        this.config = config;
        // interned, as every name read from the wire is (Names): the packet reader tells its own
        // name from another member's by identity
        this.name = config.getName().intern();
        this.metrics = config.getMetrics();
        this.strand = config.getScheduler() != null ? config.getScheduler() : new Strand("protocol " + name);
        if (strand.isVirtual()) {
            // a simulation: everything on its clock, in one deterministic order
            this.delegates = new DelegateQueue(name, strand::execute, metrics, config.getHandoffQueueDepth());
            this.streamWork = strand::execute;
        } else {
            Strand serial = new Strand("delegates " + name, SharedExecutors.delegates(), null);
            this.delegates = new DelegateQueue(name, serial, metrics, config.getHandoffQueueDepth());
            this.streamWork = SharedExecutors.delegates();
        }
        this.keyring = config.getKeyring() != null ? config.getKeyring() : Keyring.create(List.of(), null);
        this.gossipVerifyIncoming = config.isGossipVerifyIncoming();
        this.gossipVerifyOutgoing = config.isGossipVerifyOutgoing();
        this.transport = config.getTransport() != null ? config.getTransport() : defaultTransport(config);
        this.random = config.getRandom() != null ? config.getRandom() : new Random(new SecureRandom().nextLong());
        this.awareness = new Awareness(config.getAwarenessMaxMultiplier(), metrics);
        this.membership = new Membership(this);
        this.gossip = new Gossip(this);
        this.probe = new Probe(this);
        this.packets = new PacketLayer(this);
        this.streams = new StreamLayer(this);
        this.pushPull = new PushPullSync(this);
        this.rejoin = config.getSeedProvider() == null ? null : new Rejoin(this, config.getSeedProvider());
    }

    /** Go builds a NetTransport on the bind address and port when no transport is given. */
    private static Transport defaultTransport(Config c) {
        return new NetTransport(NetTransportConfig.builder()
                .bindAddrs(c.getBindAddr())
                .bindPort(c.getBindPort())
                .connectTimeout(c.getTcpTimeout())
                .maxInboundStreams(c.getMaxInboundStreams())
                .mode(c.getTransportMode())
                .tls(c.getTls())
                .build());
    }

    // ---- life cycle ------------------------------------------------------------------------

    /** Binds the transport and, on the strand, announces us alive and starts the loops. */
    CompletableFuture<Void> start() throws IOException {
        transport.start(new TransportListener() {
            @Override
            public void onPacket(Packet packet) {
                if (shutdown) {
                    return;
                }
                try {
                    packets.ingestPacket(packet);
                } catch (RuntimeException e) {
                    countDrop("packet", "internal");
                    log.warn("{}: failed to handle packet from {}", name, packet.from(), e);
                }
            }

            @Override
            public void onStream(StreamConnection connection) {
                if (shutdown) {
                    connection.close();
                    return;
                }
                try {
                    streams.handleConn(connection);
                } catch (RuntimeException e) {
                    countDrop("stream", "internal");
                    log.warn("{}: failed to handle stream from {}", name, connection.remoteAddress(), e);
                    connection.close();
                }
            }

            @Override
            public void onStreamShed(InetSocketAddress remote) {
                countDrop("stream", "shed");
            }

            @Override
            public void onTlsHandshakeFailed(InetSocketAddress remote, Throwable cause) {
                // the transport logs it, once a peer address
                tlsHandshakeFailures.increment();
                metrics.incrCounter("memberlist.tls.handshake.failed", 1);
            }
        });
        if (config.getBindPort() == 0 && transport instanceof NetTransport nt) {
            // Go writes the chosen port back, so it is advertised and is the default port of seeds
            config.setBindPort(nt.getAutoBindPort());
            config.setAdvertisePort(nt.getAutoBindPort());
        }
        AdvertiseAddress adv = transport.finalAdvertiseAddr(config.getAdvertiseAddr(), config.getAdvertisePort());
        advertiseAddr = adv.ip();
        advertisePort = adv.port();
        return onStrand(() -> {
            setAlive();
            schedule();
            return null;
        });
    }

    /** Announces ourselves alive, incarnation 1 (Go's setAlive). Strand. */
    private void setAlive() {
        InetAddress ip = advertiseInetAddress();
        if (ip != null
                && !(ip.isSiteLocalAddress() || ip.isLoopbackAddress() || ip.isLinkLocalAddress())
                && !encryptionEnabled()) {
            log.warn("{}: binding to public address {} without encryption!", name, ip.getHostAddress());
        }
        byte[] meta = nodeMeta();
        Alive a = new Alive(nextIncarnation(), name, advertiseAddr, advertisePort, meta, config.buildVsnArray());
        membership.aliveNode(a, null, true);
    }

    /** The node delegate's metadata, checked against the limit. Strand (Go: under its node lock). */
    byte[] nodeMeta() {
        if (config.getDelegate() == null) {
            return null;
        }
        byte[] meta = config.getDelegate().nodeMeta(config.getMetaMaxSize());
        if (meta != null && meta.length > config.getMetaMaxSize()) {
            throw new ConfigValidationException(
                    "delegate",
                    "node metadata is " + meta.length + " bytes, more than the limit of " + config.getMetaMaxSize()
                            + " bytes (Config.metaMaxSize)");
        }
        // our copy: the published views share the record's arrays, and the delegate may reuse its own
        return meta == null ? null : meta.clone();
    }

    /** Starts the probe, gossip and push-pull loops (Go's schedule). Strand. */
    private void schedule() {
        long probeInterval = config.getProbeInterval().toNanos();
        if (probeInterval > 0) {
            ticker(probeInterval, probe::probe);
        }
        long gossipInterval = config.getGossipInterval().toNanos();
        if (gossipInterval > 0 && config.getGossipNodes() > 0) {
            ticker(gossipInterval, () -> {
                gossip.gossip();
                pushPullAfterJoin();
            });
        }
        long pushPullInterval = config.getPushPullInterval().toNanos();
        if (pushPullInterval > 0) {
            long stagger = Math.floorMod(random.nextLong(), pushPullInterval);
            tickers.add(strand.schedule(this::pushPullLoop, stagger, TimeUnit.NANOSECONDS));
        }
        long rejoinInterval = config.getRejoinInterval().toNanos();
        if (rejoin != null && rejoinInterval > 0) {
            ticker(rejoinInterval, rejoin::tick);
        }
        long queueCheck = config.getQueueCheckInterval().toNanos();
        if (queueCheck > 0) {
            ticker(queueCheck, () -> metrics.addSample("memberlist.queue.broadcasts", gossip.broadcasts.numQueued()));
        }
    }

    /**
     * A ticker like Go's time.Ticker: fixed rate, ticks that fall behind are dropped. Go waits a
     * random stagger shorter than the interval before reading a ticker it created first, so its
     * first tick always comes one interval after start; so does ours. Strand.
     */
    private void ticker(long interval, Runnable f) {
        long first = strand.nanoTime() + interval;
        Ticker t = new Ticker(interval, f, first);
        t.handle = strand.schedule(t, interval, TimeUnit.NANOSECONDS);
        tickers.add(t);
    }

    /** One repeating task: a single object rescheduled, nothing allocated per tick but the timer entry. */
    private final class Ticker implements Runnable, Cancellable {
        final long interval;
        final Runnable f;
        long planned;
        Cancellable handle = Cancellable.DONE;
        boolean cancelled;

        Ticker(long interval, Runnable f, long planned) {
            this.interval = interval;
            this.f = f;
            this.planned = planned;
        }

        @Override
        public void run() {
            if (shutdown || cancelled) {
                return;
            }
            try {
                f.run();
            } finally {
                long now = strand.nanoTime();
                long next = planned + interval;
                if (next <= now) {
                    next = now + interval - Math.floorMod(now - planned, interval);
                }
                planned = next;
                if (!shutdown && !cancelled) {
                    handle = strand.schedule(this, next - now, TimeUnit.NANOSECONDS);
                }
            }
        }

        @Override
        public boolean cancel() {
            cancelled = true;
            return handle.cancel();
        }
    }

    /** A join succeeded: see {@link Config#isPushPullAfterJoin()}. Any thread. */
    void joined() {
        if (config.isPushPullAfterJoin()) {
            syncAfterJoin = true;
        }
    }

    /** Once the gossip queue runs dry after a join, one exchange with a random member. Strand. */
    private void pushPullAfterJoin() {
        if (syncAfterJoin && gossip.broadcasts.numQueued() == 0 && !shutdown) {
            syncAfterJoin = false;
            syncedAfterJoin = true;
            pushPull.pushPullRandom();
        }
    }

    /** Go's pushPullTrigger: sleep a cluster-size scaled interval, exchange, repeat. Strand. */
    private void pushPullLoop() {
        if (shutdown) {
            return;
        }
        long wait = ProtocolMath.pushPullScale(config.getPushPullInterval().toNanos(), membership.estNumNodes());
        tickers.removeIf(t -> !(t instanceof Ticker));
        tickers.add(strand.schedule(
                () -> {
                    if (!shutdown) {
                        // the exchange after a join was this one, brought forward: over a node's
                        // life, as many exchanges as Go makes
                        boolean random = !syncedAfterJoin;
                        syncedAfterJoin = false;
                        pushPull.pushPull(random).whenComplete((v, e) -> strand.execute(this::pushPullLoop));
                    }
                },
                wait,
                TimeUnit.NANOSECONDS));
    }

    /** Gossips that we leave; completes once that was sent enough times. */
    CompletableFuture<Void> leave() {
        if (shutdown) {
            throw new IllegalStateException("leave after shutdown");
        }
        return onStrand(() -> {
                    if (leave) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    leave = true;
                    NodeRecord self = membership.nodeMap.get(name);
                    if (self == null) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    membership.deadNode(new Dead(self.incarnation, name, name));
                    if (!membership.anyAlive()) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    return leaveBroadcast;
                })
                .thenCompose(f -> f);
    }

    /** Our dead message was sent enough times; may be called on any thread. */
    void leaveBroadcastFinished() {
        leaveBroadcast.complete(null);
    }

    /** Gossips our new metadata with a new incarnation; completes once that was sent enough times. */
    CompletableFuture<Void> updateNode() {
        return onStrand(() -> {
                    byte[] meta = nodeMeta();
                    NodeRecord self = membership.nodeMap.get(name);
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    Alive a = new Alive(nextIncarnation(), name, self.addr, self.port, meta, config.buildVsnArray());
                    membership.aliveNode(a, () -> done.complete(null), true);
                    if (!membership.anyAlive()) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    return done;
                })
                .thenCompose(f -> f);
    }

    /** Fails {@code f}'s copy with {@code message} after the timeout; zero or null waits forever. */
    <T> CompletableFuture<T> withTimeout(CompletableFuture<T> f, Duration timeout, String message) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            return f;
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        Cancellable t =
                scheduleIo(() -> out.completeExceptionally(new MemberlistException(message)), timeout.toNanos());
        f.whenComplete((v, e) -> {
            t.cancel();
            if (e != null) {
                out.completeExceptionally(e);
            } else {
                out.complete(v);
            }
        });
        return out;
    }

    /**
     * Stops at once: closes the transport, and on the strand cancels every timer, after which
     * the strand stops. Never waits for the strand, so it is safe from any thread, delegates
     * included. Idempotent.
     *
     * @return false when it was shut down already
     */
    boolean shutdown() {
        synchronized (this) {
            if (shutdown) {
                return false;
            }
            shutdown = true;
        }
        try {
            transport.shutdown();
        } catch (RuntimeException e) {
            log.warn("{}: failed to shut down transport", name, e);
        }
        Runnable cleanup = () -> {
            tickers.forEach(Cancellable::cancel);
            tickers.clear();
            probe.clear();
            membership.cancelAllTimers();
            strand.shutdown();
        };
        if (strand.inSchedulerThread() || strand.isVirtual()) {
            cleanup.run();
        } else {
            // behind whatever the strand is doing; the transport is closed already, so nothing goes out
            strand.execute(cleanup);
        }
        leaveBroadcast.complete(null);
        return true;
    }

    boolean isShutdown() {
        return shutdown;
    }

    boolean hasLeft() {
        return leave;
    }

    // ---- shared state safe from any thread --------------------------------------------------

    byte[] advertiseAddr() {
        return advertiseAddr;
    }

    int advertisePort() {
        return advertisePort;
    }

    InetAddress advertiseInetAddress() {
        try {
            return InetAddress.getByAddress(advertiseAddr);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    long nextSeqNo() {
        return sequenceNum.updateAndGet(v -> (v + 1) & 0xffffffffL);
    }

    long nextIncarnation() {
        return incarnation.updateAndGet(v -> (v + 1) & 0xffffffffL);
    }

    long skipIncarnation(long offset) {
        return incarnation.updateAndGet(v -> (v + offset) & 0xffffffffL);
    }

    /** True when the keyring holds a key (Go's {@code EncryptionEnabled}). Any thread. */
    boolean encryptionEnabled() {
        return !keyring.isEmpty();
    }

    /**
     * The key to seal what we send with: the primary key when the keyring has one and outgoing
     * traffic is to be encrypted, else null. One read, so a packet is sealed or not as a whole.
     */
    byte[] outgoingKey() {
        return gossipVerifyOutgoing ? keyring.getPrimaryKey() : null;
    }

    boolean isGossipVerifyIncoming() {
        return gossipVerifyIncoming;
    }

    void setGossipVerifyIncoming(boolean verify) {
        gossipVerifyIncoming = verify;
    }

    boolean isGossipVerifyOutgoing() {
        return gossipVerifyOutgoing;
    }

    void setGossipVerifyOutgoing(boolean verify) {
        gossipVerifyOutgoing = verify;
    }

    /** Encryption version 0 for protocol 1, else 1. */
    int encryptionVersion() {
        return config.getProtocolVersion() == 1 ? 0 : 1;
    }

    Ping newPing(long seqNo, String target) {
        return new Ping(seqNo, target, advertiseAddr, advertisePort, name);
    }

    IndirectPingReq newIndirectPing(long seqNo, NodeRecord target, boolean nack) {
        return new IndirectPingReq(
                seqNo, target.addr, target.port, target.name, nack, advertiseAddr, advertisePort, name);
    }

    long droppedPackets() {
        return droppedPackets.sum();
    }

    long droppedStreams() {
        return droppedStreams.sum();
    }

    long tlsHandshakeFailures() {
        return tlsHandshakeFailures.sum();
    }

    /** Counts dropped input; the first drop of each kind is logged at WARN. Any thread. */
    void countDrop(String channel, String reason) {
        boolean packet = channel.equals("packet");
        (packet ? droppedPackets : droppedStreams).increment();
        metrics.incrCounter(packet ? "memberlist.udp.dropped" : "memberlist.tcp.dropped", 1, "reason", reason);
        if (loggedDrops.add(channel + ":" + reason)) {
            log.warn(
                    "{}: dropping {} input ({}); further drops of this kind are logged at debug",
                    name,
                    channel,
                    reason);
        } else {
            log.debug("{}: dropping {} input ({})", name, channel, reason);
        }
    }

    // ---- hand-offs ---------------------------------------------------------------------------

    /**
     * Calls a delegate that must answer, inline: whatever it throws is logged and counted, and
     * the error of a dying JVM is rethrown.
     *
     * @return false when it threw
     */
    boolean callInline(Runnable call, String kind) {
        try {
            call.run();
            return true;
        } catch (Throwable e) {
            delegates.failed(e, kind);
            return false;
        }
    }

    /**
     * Runs on the strand and completes with the result: inline when already there, and on a
     * simulated clock, whose single thread is the caller's whenever the simulation is not running.
     */
    <T> CompletableFuture<T> onStrand(Supplier<T> s) {
        if (strand.inSchedulerThread() || strand.isVirtual()) {
            try {
                return CompletableFuture.completedFuture(s.get());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        strand.execute(() -> {
            try {
                f.complete(s.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /**
     * The future an application gets: completed away from I/O threads and the strand, since
     * whatever the application chains to it runs where it completes. Already done: as it is.
     */
    <T> CompletableFuture<T> offPath(CompletableFuture<T> f) {
        if (f.isDone()) {
            return f;
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        f.whenComplete((v, e) -> streamWork.execute(() -> {
            if (e != null) {
                out.completeExceptionally(e);
            } else {
                out.complete(v);
            }
        }));
        return out;
    }

    /**
     * Runs a short task after a delay away from the strand (the shared timer thread; the
     * simulation's clock), for I/O-side timeouts that must not wait on protocol work: an indirect
     * probe's nack, the expiry of its ack handler.
     */
    Cancellable scheduleIo(Runnable task, long delayNanos) {
        if (strand.isVirtual()) {
            return strand.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        }
        return IoTimer.schedule(task, delayNanos);
    }

    @Override
    public String toString() {
        return name;
    }

    /** The shared timer, running tiny tasks itself instead of handing them to a strand. */
    private static final class IoTimer {
        private static final Logger log = LoggerFactory.getLogger(IoTimer.class);

        static Cancellable schedule(Runnable task, long delayNanos) {
            Runnable guarded = () -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("memberlist: timer task failed", e);
                }
            };
            try {
                var f = SharedExecutors.timer().schedule(guarded, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return Cancellable.DONE;
            }
        }
    }
}
