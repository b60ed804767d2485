package dev.memberlist.engine;

import dev.memberlist.engine.metrics.Metrics;
import dev.memberlist.engine.scheduler.Cancellable;
import dev.memberlist.engine.scheduler.ExecutorScheduler;
import dev.memberlist.engine.scheduler.Scheduler;
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
import dev.memberlist.engine.wire.MessageType;
import dev.memberlist.engine.wire.Ping;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a cluster: SWIM failure detection with Lifeguard, gossip, push-pull
 * anti-entropy, user messages and metadata, speaking Go memberlist's wire protocol (Go's
 * {@code memberlist.Memberlist}).
 *
 * <pre>{@code
 * Memberlist m = Memberlist.create(Config.lan().setName("node-1").setBindPort(7946));
 * m.join(List.of("10.0.0.2:7946"));
 * m.members().forEach(System.out::println);
 * m.leave(Duration.ofSeconds(5));
 * m.shutdown();
 * }</pre>
 *
 * <p>All protocol work runs on the node's single protocol thread (its {@link Scheduler});
 * I/O threads only decode. Queries such as {@link #members()} read published snapshots and
 * are safe from any thread, delegate callbacks included. Blocking calls ({@link #join},
 * {@link #leave}, {@link #updateNode}, {@link #sendReliable}, {@link #ping}) have
 * {@code ...Async} variants; use those from delegates and in simulations.
 */
public final class Memberlist implements AutoCloseable {
    final Logger log = LoggerFactory.getLogger(Memberlist.class);

    final Config config;
    final String name;
    final Scheduler scheduler;
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

    private volatile byte[] advertiseAddr;
    private volatile int advertisePort;
    private final AtomicLong sequenceNum = new AtomicLong();
    private final AtomicLong incarnation = new AtomicLong();
    private volatile boolean started;
    private volatile boolean shutdown;
    private volatile boolean leave;
    private final CompletableFuture<Void> leaveBroadcast = new CompletableFuture<>();
    private final List<Cancellable> tickers = Collections.synchronizedList(new ArrayList<>());
    private final LongAdder droppedPackets = new LongAdder();
    private final LongAdder droppedStreams = new LongAdder();
    private final Set<String> loggedDrops = ConcurrentHashMap.newKeySet();

    private Memberlist(Config config) {
        this.config = config;
        this.name = config.getName();
        this.scheduler = config.getScheduler() != null ? config.getScheduler() : new ExecutorScheduler(name);
        this.transport = config.getTransport() != null ? config.getTransport() : defaultTransport(config);
        this.metrics = config.getMetrics();
        this.random = config.getRandom() != null ? config.getRandom() : new Random(new SecureRandom().nextLong());
        this.awareness = new Awareness(config.getAwarenessMaxMultiplier(), metrics);
        this.membership = new Membership(this);
        this.gossip = new Gossip(this);
        this.probe = new Probe(this);
        this.packets = new PacketLayer(this);
        this.streams = new StreamLayer(this);
        this.pushPull = new PushPullSync(this);
    }

    /**
     * Creates a node: validates the config, binds the transport, announces itself alive and
     * starts probing and gossip. It knows only itself until {@link #join}.
     *
     * @param config the configuration; it is copied, later changes have no effect
     * @throws IllegalArgumentException when a setting is invalid (the message names it)
     * @throws IOException when the transport cannot bind
     */
    public static Memberlist create(Config config) throws IOException {
        Memberlist m = prepare(config);
        m.start();
        return m;
    }

    /**
     * Validates the config and builds a node without touching the network; {@link #start()}
     * binds and starts it. For containers that create beans before starting them.
     *
     * @throws IllegalArgumentException when a setting is invalid (the message names it)
     */
    public static Memberlist prepare(Config config) {
        Config c = config.copy();
        c.validate();
        return new Memberlist(c);
    }

    /**
     * Binds the transport, announces this node alive and starts probing and gossip. Call once.
     *
     * @throws IOException when the transport cannot bind; the node is then shut down
     * @throws IllegalStateException when already started or shut down
     */
    public void start() throws IOException {
        synchronized (this) {
            if (started || shutdown) {
                throw new IllegalStateException(started ? "already started" : "shut down");
            }
            started = true;
        }
        try {
            doStart();
        } catch (IOException | RuntimeException e) {
            shutdown();
            throw e;
        }
    }

    /** True between {@link #start()} and {@link #shutdown()}. */
    public boolean isRunning() {
        return started && !shutdown;
    }

    /** Go builds a NetTransport on the bind address and port when no transport is given. */
    private static Transport defaultTransport(Config c) {
        return new NetTransport(NetTransportConfig.builder()
                .bindAddrs(c.getBindAddr())
                .bindPort(c.getBindPort())
                .connectTimeout(c.getTcpTimeout())
                .build());
    }

    private void doStart() throws IOException {
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
        });
        if (config.getBindPort() == 0 && transport instanceof NetTransport nt) {
            // Go writes the chosen port back, so it is advertised and is the default port of seeds
            config.setBindPort(nt.getAutoBindPort());
            config.setAdvertisePort(nt.getAutoBindPort());
        }
        AdvertiseAddress adv = transport.finalAdvertiseAddr(config.getAdvertiseAddr(), config.getAdvertisePort());
        advertiseAddr = adv.ip();
        advertisePort = adv.port();
        await(supplyOnProtocolThread(() -> {
            setAlive();
            schedule();
            return null;
        }));
    }

    /** Announces ourselves alive, incarnation 1 (Go's setAlive). */
    private void setAlive() {
        InetAddress ip = advertiseInetAddress();
        if (ip != null
                && !(ip.isSiteLocalAddress() || ip.isLoopbackAddress() || ip.isLinkLocalAddress())
                && !config.encryptionEnabled()) {
            log.warn("{}: binding to public address {} without encryption!", name, ip.getHostAddress());
        }
        byte[] meta = nodeMeta();
        Alive a = new Alive(nextIncarnation(), name, advertiseAddr, advertisePort, meta, config.buildVsnArray());
        membership.aliveNode(a, null, true);
    }

    private byte[] nodeMeta() {
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

    /** Starts the probe, gossip and push-pull loops, each after a random stagger (Go's schedule). */
    private void schedule() {
        long probeInterval = config.getProbeInterval().toNanos();
        if (probeInterval > 0) {
            ticker(probeInterval, probe::probe);
        }
        long gossipInterval = config.getGossipInterval().toNanos();
        if (gossipInterval > 0 && config.getGossipNodes() > 0) {
            ticker(gossipInterval, gossip::gossip);
        }
        long pushPullInterval = config.getPushPullInterval().toNanos();
        if (pushPullInterval > 0) {
            long stagger = Math.floorMod(random.nextLong(), pushPullInterval);
            tickers.add(scheduler.schedule(this::pushPullLoop, stagger, TimeUnit.NANOSECONDS));
        }
        long queueCheck = config.getQueueCheckInterval().toNanos();
        if (queueCheck > 0) {
            ticker(queueCheck, () -> metrics.addSample("memberlist.queue.broadcasts", gossip.broadcasts.numQueued()));
        }
    }

    /**
     * A ticker like Go's time.Ticker: fixed rate, ticks that fall behind are dropped. Go waits a
     * random stagger shorter than the interval before reading a ticker it created first, so its
     * first tick always comes one interval after start; so does ours.
     */
    private void ticker(long interval, Runnable f) {
        long first = scheduler.nanoTime() + interval;
        tickers.add(scheduler.schedule(() -> tick(first, interval, f), interval, TimeUnit.NANOSECONDS));
    }

    private void tick(long planned, long interval, Runnable f) {
        if (shutdown) {
            return;
        }
        try {
            f.run();
        } finally {
            long now = scheduler.nanoTime();
            long next = planned + interval;
            if (next <= now) {
                next = now + interval - Math.floorMod(now - planned, interval);
            }
            long at = next;
            if (!shutdown) {
                tickers.add(scheduler.schedule(() -> tick(at, interval, f), at - now, TimeUnit.NANOSECONDS));
            }
            if (tickers.size() > 64) {
                // finished one-shot handles pile up; keep the list short
                synchronized (tickers) {
                    tickers.subList(0, tickers.size() - 8).clear();
                }
            }
        }
    }

    /** Go's pushPullTrigger: sleep a cluster-size scaled interval, exchange, repeat. */
    private void pushPullLoop() {
        if (shutdown) {
            return;
        }
        long wait = ProtocolMath.pushPullScale(config.getPushPullInterval().toNanos(), membership.estNumNodes());
        tickers.add(scheduler.schedule(
                () -> {
                    if (!shutdown) {
                        pushPull.pushPull().whenComplete((v, e) -> scheduler.execute(this::pushPullLoop));
                    }
                },
                wait,
                TimeUnit.NANOSECONDS));
    }

    // ---- join ------------------------------------------------------------------------------

    /**
     * Joins a cluster by a full state exchange with each seed (Go's Join). Blocks until every
     * seed answered or failed.
     *
     * @param existing seeds as {@code [name/]host[:port]}; the host is an IP literal or a DNS name
     *     (every address it resolves to is contacted); the port defaults to our bind port
     * @return how many exchanges succeeded
     * @throws MemberlistException when seeds were given and none could be contacted
     */
    public int join(List<String> existing) {
        return await(joinAsync(existing));
    }

    /**
     * {@link #join} without blocking. DNS names are resolved on a resolver thread, IP literals
     * at once.
     */
    public CompletableFuture<Integer> joinAsync(List<String> existing) {
        List<String> seeds = List.copyOf(existing);
        boolean literalsOnly = seeds.stream().allMatch(Memberlist::isLiteralSeed);
        if (literalsOnly || scheduler.isVirtual()) {
            return joinResolved(seeds);
        }
        // resolve inside the async task: a continuation on a completed future would run here instead
        return CompletableFuture.supplyAsync(() -> joinResolved(seeds), RESOLVER)
                .thenCompose(f -> f);
    }

    /** Resolves DNS names off the protocol and caller threads: lookups can take seconds. */
    private static final java.util.concurrent.Executor RESOLVER =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "memberlist-resolver");
                t.setDaemon(true);
                return t;
            });

    private static boolean isLiteralSeed(String seed) {
        String s = seed.substring(seed.indexOf('/') + 1);
        if (s.startsWith("[")) {
            return true;
        }
        String host = s.chars().filter(ch -> ch == ':').count() == 1 ? s.substring(0, s.indexOf(':')) : s;
        return isIpLiteral(host);
    }

    private CompletableFuture<Integer> joinResolved(List<String> existing) {
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Boolean>> attempts = new ArrayList<>();
        for (String seed : existing) {
            List<Address> addrs;
            try {
                addrs = resolveAddr(seed);
            } catch (UnknownHostException | IllegalArgumentException e) {
                errors.add("Failed to resolve " + seed + ": " + e.getMessage());
                log.warn("{}: failed to resolve {}: {}", name, seed, e.getMessage());
                continue;
            }
            for (Address a : addrs) {
                attempts.add(pushPull.pushPullNode(a, true).handle((v, e) -> {
                    if (e != null) {
                        String msg = "Failed to join " + a.hostPort() + ": " + PushPullSync.rootMessage(e);
                        errors.add(msg);
                        log.debug("{}: {}", name, msg);
                        return false;
                    }
                    return true;
                }));
            }
        }
        return CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new))
                .thenApply(v -> {
                    int ok = (int)
                            attempts.stream().filter(CompletableFuture::join).count();
                    if (ok == 0 && !existing.isEmpty()) {
                        throw new MemberlistException(
                                errors.size() + " error(s) occurred: " + String.join("; ", errors));
                    }
                    return ok;
                });
    }

    /** Go's resolveAddr: {@code [name/]host[:port]}, IPv6 literals in brackets when a port follows. */
    List<Address> resolveAddr(String hostStr) throws UnknownHostException {
        String nodeName = "";
        int slash = hostStr.indexOf('/');
        if (slash >= 0) {
            if (slash == 0) {
                throw new IllegalArgumentException("empty node name provided");
            }
            nodeName = hostStr.substring(0, slash);
            hostStr = hostStr.substring(slash + 1);
        }
        String host;
        int port = config.getBindPort();
        if (hostStr.startsWith("[")) {
            int close = hostStr.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in address " + hostStr);
            }
            host = hostStr.substring(1, close);
            if (close + 1 < hostStr.length()) {
                if (hostStr.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("bad address " + hostStr);
                }
                port = parsePort(hostStr.substring(close + 2), hostStr);
            }
        } else if (hostStr.chars().filter(ch -> ch == ':').count() == 1) {
            int colon = hostStr.indexOf(':');
            host = hostStr.substring(0, colon);
            port = parsePort(hostStr.substring(colon + 1), hostStr);
        } else {
            host = hostStr; // a bare IPv6 literal or a host without port
        }
        if (host.isEmpty()) {
            // Go's net.LookupIP("") fails; the JDK would resolve "" to the loopback address
            throw new UnknownHostException("no host in address " + hostStr);
        }
        List<InetAddress> ips = isIpLiteral(host)
                ? List.of(InetAddress.getByName(host))
                : config.getAddressResolver().resolve(host);
        List<Address> out = new ArrayList<>(ips.size());
        for (InetAddress ip : ips) {
            out.add(new Address(new InetSocketAddress(ip, port), nodeName));
        }
        return out;
    }

    private static int parsePort(String s, String whole) {
        try {
            int p = Integer.parseInt(s);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in address " + whole);
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    // ---- leave, update, shutdown -----------------------------------------------------------

    /**
     * Leaves gracefully: gossips that we left and waits until that was sent enough times, or
     * for the timeout (zero waits forever). Call {@link #shutdown()} afterwards.
     *
     * @throws MemberlistException on timeout
     * @throws IllegalStateException after shutdown
     */
    public void leave(Duration timeout) {
        await(leaveAsync(timeout));
    }

    /** {@link #leave} without blocking. */
    public CompletableFuture<Void> leaveAsync(Duration timeout) {
        if (shutdown) {
            throw new IllegalStateException("leave after shutdown");
        }
        return supplyOnProtocolThread(() -> {
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
                    return withTimeout(leaveBroadcast, timeout, "timeout waiting for leave broadcast");
                })
                .thenCompose(f -> f);
    }

    void leaveBroadcastFinished() {
        leaveBroadcast.complete(null);
    }

    /**
     * Re-reads the node delegate's metadata and gossips it with a new incarnation (Go's
     * UpdateNode); waits until that was sent enough times, or for the timeout.
     *
     * @throws IllegalArgumentException when the metadata is longer than {@link Config#getMetaMaxSize()}
     * @throws MemberlistException on timeout
     */
    public void updateNode(Duration timeout) {
        await(updateNodeAsync(timeout));
    }

    /** {@link #updateNode} without blocking. */
    public CompletableFuture<Void> updateNodeAsync(Duration timeout) {
        return supplyOnProtocolThread(() -> {
                    byte[] meta = nodeMeta();
                    NodeRecord self = membership.nodeMap.get(name);
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    Alive a = new Alive(nextIncarnation(), name, self.addr, self.port, meta, config.buildVsnArray());
                    membership.aliveNode(a, () -> done.complete(null), true);
                    if (!membership.anyAlive()) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    return withTimeout(done, timeout, "timeout waiting for update broadcast");
                })
                .thenCompose(f -> f);
    }

    private <T> CompletableFuture<T> withTimeout(CompletableFuture<T> f, Duration timeout, String message) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            return f;
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        Cancellable t = scheduler.schedule(
                () -> out.completeExceptionally(new MemberlistException(message)),
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
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
     * Stops at once, without telling anyone: to the others this looks like a crash, so call
     * {@link #leave} first for a graceful exit. Idempotent.
     */
    public void shutdown() {
        synchronized (this) {
            if (shutdown) {
                return;
            }
            shutdown = true;
        }
        try {
            transport.shutdown();
        } catch (RuntimeException e) {
            log.warn("{}: failed to shut down transport", name, e);
        }
        Runnable cleanup = () -> {
            synchronized (tickers) {
                tickers.forEach(Cancellable::cancel);
                tickers.clear();
            }
            probe.clear();
            membership.cancelAllTimers();
        };
        if (scheduler.inSchedulerThread() || scheduler.isVirtual()) {
            cleanup.run();
        } else {
            CompletableFuture<Void> done = new CompletableFuture<>();
            scheduler.execute(() -> {
                cleanup.run();
                done.complete(null);
            });
            try {
                done.get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // the protocol thread is stuck or gone; shutting it down is all that is left
            }
        }
        scheduler.shutdown();
        leaveBroadcast.complete(null);
    }

    /** Same as {@link #shutdown()}. */
    @Override
    public void close() {
        shutdown();
    }

    // ---- queries ---------------------------------------------------------------------------

    /** Alive and suspect members, ourselves included (Go's Members). */
    public List<Node> members() {
        List<Node> out = new ArrayList<>();
        for (Node n : membership.views()) {
            if (!n.state().deadOrLeft()) {
                out.add(n);
            }
        }
        return out;
    }

    /** Every node still known, dead and left ones too until they are reaped. */
    public List<Node> nodes() {
        return new ArrayList<>(membership.views());
    }

    /** How many {@link #members()} there are. */
    public int numMembers() {
        int n = 0;
        for (Node node : membership.views()) {
            if (!node.state().deadOrLeft()) {
                n++;
            }
        }
        return n;
    }

    /** Known nodes counted by state. */
    public Map<NodeState, Integer> stateCounts() {
        return membership.stateCounts();
    }

    /** Our own node as the cluster sees it. */
    public Node localNode() {
        return membership.view(name);
    }

    /** The node of that name, or null. */
    public Node node(String nodeName) {
        return membership.view(nodeName);
    }

    /** Our name. */
    public String name() {
        return name;
    }

    /** Where others reach us. */
    public InetSocketAddress advertiseAddress() {
        return new InetSocketAddress(advertiseInetAddress(), advertisePort);
    }

    private InetAddress advertiseInetAddress() {
        try {
            return InetAddress.getByAddress(advertiseAddr);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Lifeguard's health score: 0 is healthy, up to {@code awarenessMaxMultiplier - 1}. */
    public int getHealthScore() {
        return awareness.getHealthScore();
    }

    /** The protocol version we speak. */
    public int protocolVersion() {
        return config.getProtocolVersion();
    }

    /** Our broadcasts waiting to be gossiped. */
    public int numQueuedBroadcasts() {
        return gossip.broadcasts.numQueued();
    }

    /** True once {@link #leave} was called. */
    public boolean hasLeft() {
        return leave;
    }

    /** True once {@link #shutdown()} was called. */
    public boolean isShutdown() {
        return shutdown;
    }

    /** Packets dropped because they were malformed, mislabeled, undecryptable or too many. */
    public long droppedPackets() {
        return droppedPackets.sum();
    }

    /** Streams refused or cut for the same reasons. */
    public long droppedStreams() {
        return droppedStreams.sum();
    }

    // ---- user messages ---------------------------------------------------------------------

    /** Sends a user message in one packet, no guarantee of delivery (Go's SendBestEffort). */
    public void sendBestEffort(Node to, byte[] msg) {
        packets.rawSendMsgPacket(to.fullAddress(), null, userPacket(msg));
    }

    /** Sends a user message in one packet to an address (Go's SendToAddress). */
    public void sendToAddress(Address a, byte[] msg) {
        packets.rawSendMsgPacket(a, null, userPacket(msg));
    }

    private static byte[] userPacket(byte[] msg) {
        byte[] buf = new byte[msg.length + 1];
        buf[0] = (byte) MessageType.USER.code();
        System.arraycopy(msg, 0, buf, 1, msg.length);
        return buf;
    }

    /** Sends a user message over a stream (Go's SendReliable); blocks until written. */
    public void sendReliable(Node to, byte[] msg) {
        await(sendReliableAsync(to, msg));
    }

    /** {@link #sendReliable} without blocking. */
    public CompletableFuture<Void> sendReliableAsync(Node to, byte[] msg) {
        return streams.sendUserMsg(to.fullAddress(), msg);
    }

    /**
     * One UDP ping to a node (Go's Ping).
     *
     * @return the round-trip time
     * @throws NoPingResponseException when no ack came within the probe timeout
     */
    public Duration ping(String node, InetSocketAddress addr) {
        return await(pingAsync(node, addr));
    }

    /** {@link #ping} without blocking. */
    public CompletableFuture<Duration> pingAsync(String node, InetSocketAddress addr) {
        return supplyOnProtocolThread(() -> probe.ping(node, addr)).thenCompose(f -> f);
    }

    // ---- internals shared by the protocol classes -------------------------------------------

    long nextSeqNo() {
        return sequenceNum.updateAndGet(v -> (v + 1) & 0xffffffffL);
    }

    long nextIncarnation() {
        return incarnation.updateAndGet(v -> (v + 1) & 0xffffffffL);
    }

    long skipIncarnation(long offset) {
        return incarnation.updateAndGet(v -> (v + offset) & 0xffffffffL);
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

    /** Counts dropped input; the first drop of each kind is logged at WARN. */
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

    /** Calls into application code; a delegate that throws must not break the protocol. */
    void callDelegate(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("{}: delegate failed", name, e);
        }
    }

    /**
     * Runs on the protocol thread and completes with the result: inline when already there, and
     * on a simulated clock, whose single thread is the caller's whenever the simulation is not running.
     */
    <T> CompletableFuture<T> supplyOnProtocolThread(Supplier<T> s) {
        if (scheduler.inSchedulerThread() || scheduler.isVirtual()) {
            try {
                return CompletableFuture.completedFuture(s.get());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                f.complete(s.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Waits for an async operation; refuses where waiting could never end. */
    private <T> T await(CompletableFuture<T> f) {
        if (!f.isDone()) {
            if (scheduler.inSchedulerThread()) {
                throw new IllegalStateException(
                        "blocking memberlist call on its own protocol thread (from a delegate?): use the ...Async variant");
            }
            if (scheduler.isVirtual()) {
                throw new IllegalStateException(
                        "blocking memberlist call on a simulated clock: use the ...Async variant and run the simulation");
            }
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MemberlistException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            while (c instanceof CompletionException && c.getCause() != null) {
                c = c.getCause();
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new MemberlistException(c.getMessage() == null ? c.toString() : c.getMessage(), c);
        }
    }

    @Override
    public String toString() {
        return "Memberlist[" + name + " " + Arrays.toString(advertiseAddr) + ":" + advertisePort + "]";
    }
}
