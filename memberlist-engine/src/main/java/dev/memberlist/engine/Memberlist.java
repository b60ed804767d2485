package dev.memberlist.engine;

import dev.memberlist.engine.security.Keyring;
import dev.memberlist.engine.wire.MessageType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
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
 * <p>Each node's protocol runs on its own serial strand over threads every node of the JVM
 * shares; pings are answered on the I/O threads that decode them, and delegates that need no
 * answer run on the node's delegate queue ({@code NodeContext} states the rules). Queries such as {@link #members()} read published snapshots and
 * are safe from any thread, delegate callbacks included. Blocking calls ({@link #join},
 * {@link #leave}, {@link #updateNode}, {@link #sendReliable}, {@link #ping}) have
 * {@code ...Async} variants; use those from delegates and in simulations.
 */
public final class Memberlist implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Memberlist.class);

    /** The node's internals; the facade only forwards to them. */
    final NodeContext ctx;

    private final Config config;
    private final String name;
    private volatile boolean started;

    private Memberlist(Config config) {
        this.config = config;
        this.name = config.getName();
        this.ctx = new NodeContext(config);
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
            if (started || ctx.isShutdown()) {
                throw new IllegalStateException(started ? "already started" : "shut down");
            }
            started = true;
        }
        try {
            await(ctx.start());
        } catch (IOException | RuntimeException e) {
            shutdown();
            throw e;
        }
    }

    /** True between {@link #start()} and {@link #shutdown()}. */
    public boolean isRunning() {
        return started && !ctx.isShutdown();
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
        if (literalsOnly || ctx.strand.isVirtual()) {
            return ctx.offPath(joinResolved(seeds));
        }
        // DNS lookups can take seconds: on the stream side, off the caller's and the protocol's threads
        // (resolved inside the task: a continuation on a completed future would run here instead)
        return ctx.offPath(CompletableFuture.supplyAsync(() -> joinResolved(seeds), ctx.streamWork)
                .thenCompose(f -> f));
    }

    /**
     * Joins the seeds the config's {@link Config#setSeedProvider seed provider} finds now (not in
     * Go), ourselves left out. Blocks until every seed answered or failed.
     *
     * @return how many exchanges succeeded; 0 when the provider found nobody but us
     * @throws MemberlistException when seeds were found and none could be contacted, or none
     *     could be found
     * @throws IllegalStateException without a seed provider
     */
    public int joinSeeds() {
        return await(joinSeedsAsync());
    }

    /** {@link #joinSeeds()} without blocking. */
    public CompletableFuture<Integer> joinSeedsAsync() {
        Rejoin rejoin = ctx.rejoin;
        if (rejoin == null) {
            throw new IllegalStateException("no seed provider: Config.setSeedProvider");
        }
        return ctx.offPath(rejoin.others()
                .exceptionally(e -> {
                    throw new MemberlistException("no seeds found: " + PushPullSync.rootMessage(e), e);
                })
                .thenCompose(seeds -> rejoin.join(seeds).thenApply(ok -> {
                    if (ok == 0 && !seeds.isEmpty()) {
                        throw new MemberlistException("none of " + seeds.size() + " seeds could be joined: " + seeds);
                    }
                    return ok;
                })));
    }

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
        List<Address> addrs = new ArrayList<>();
        for (String seed : existing) {
            try {
                addrs.addAll(resolveAddr(seed));
            } catch (UnknownHostException | IllegalArgumentException e) {
                errors.add("Failed to resolve " + seed + ": " + e.getMessage());
                log.warn("{}: failed to resolve {}: {}", name, seed, e.getMessage());
            }
        }
        return ctx.pushPull.joinAll(addrs, errors).thenApply(ok -> {
            if (ok == 0 && !existing.isEmpty()) {
                throw new MemberlistException(errors.size() + " error(s) occurred: " + String.join("; ", errors));
            }
            if (!errors.isEmpty()) {
                log.debug("{}: {}", name, String.join("; ", errors));
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
        return ctx.offPath(ctx.withTimeout(ctx.leave(), timeout, "timeout waiting for leave broadcast"));
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
        return ctx.offPath(ctx.withTimeout(ctx.updateNode(), timeout, "timeout waiting for update broadcast"));
    }

    /**
     * Stops at once, without telling anyone: to the others this looks like a crash, so call
     * {@link #leave} first for a graceful exit. Never waits for the node's protocol, so it is
     * safe from any thread, delegates included. Idempotent.
     */
    public void shutdown() {
        ctx.shutdown();
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
        for (Node n : ctx.membership.views()) {
            if (!n.state().deadOrLeft()) {
                out.add(n);
            }
        }
        return out;
    }

    /** Every node still known, dead and left ones too until they are reaped. */
    public List<Node> nodes() {
        return new ArrayList<>(ctx.membership.views());
    }

    /** How many {@link #members()} there are. */
    public int numMembers() {
        int n = 0;
        for (Node node : ctx.membership.views()) {
            if (!node.state().deadOrLeft()) {
                n++;
            }
        }
        return n;
    }

    /** Known nodes counted by state. */
    public Map<NodeState, Integer> stateCounts() {
        return ctx.membership.stateCounts();
    }

    /** Our own node as the cluster sees it. */
    public Node localNode() {
        return ctx.membership.view(name);
    }

    /** The node of that name, or null. */
    public Node node(String nodeName) {
        return ctx.membership.view(nodeName);
    }

    /** Our name. */
    public String name() {
        return name;
    }

    /** Where others reach us. */
    public InetSocketAddress advertiseAddress() {
        return new InetSocketAddress(ctx.advertiseInetAddress(), ctx.advertisePort());
    }

    /** Lifeguard's health score: 0 is healthy, up to {@code awarenessMaxMultiplier - 1}. */
    public int getHealthScore() {
        return ctx.awareness.getHealthScore();
    }

    /** The protocol version we speak. */
    public int protocolVersion() {
        return config.getProtocolVersion();
    }

    /** Our broadcasts waiting to be gossiped. */
    public int numQueuedBroadcasts() {
        return ctx.gossip.broadcasts.numQueued();
    }

    /** True once {@link #leave} was called. */
    public boolean hasLeft() {
        return ctx.hasLeft();
    }

    /** True once {@link #shutdown()} was called. */
    public boolean isShutdown() {
        return ctx.isShutdown();
    }

    /** Packets dropped because they were malformed, mislabeled, undecryptable or too many. */
    public long droppedPackets() {
        return ctx.droppedPackets();
    }

    /** Streams refused or cut for the same reasons. */
    public long droppedStreams() {
        return ctx.droppedStreams();
    }

    /**
     * TLS handshakes that failed on this node's connections, accepted or dialled: peers not
     * trusted (or not trusting us), plaintext clients, timeouts. Also counted as the metric
     * {@code memberlist.tls.handshake.failed}. Always 0 without {@link Config#setTls TLS}.
     */
    public long tlsHandshakeFailures() {
        return ctx.tlsHandshakeFailures();
    }

    // ---- encryption, switched on a running node --------------------------------------------

    /**
     * The keys this node encrypts with and accepts (Go's {@code Config.Keyring}): the configured
     * keyring, or, when none was configured, an empty one of the node's own, so that encryption
     * can be switched on in a running cluster. Every change ({@link Keyring#addKey},
     * {@link Keyring#useKey}, {@link Keyring#removeKey}) applies to the next packet and stream.
     *
     * <p>On a plain node, installing the first key turns encryption on at once under the verify
     * flags in force: switch {@link #setGossipVerifyIncoming incoming} and {@link
     * #setGossipVerifyOutgoing outgoing} verification off first, as Go's rollout does, or the node
     * stops understanding its plain peers. README, "Turning encryption on in a running cluster",
     * gives the three steps and key rotation.
     */
    public Keyring keyring() {
        return ctx.keyring;
    }

    /** Go's {@code GossipVerifyIncoming} as in force now: see {@link #setGossipVerifyIncoming}. */
    public boolean isGossipVerifyIncoming() {
        return ctx.isGossipVerifyIncoming();
    }

    /**
     * Switches Go's {@code GossipVerifyIncoming} on a running node, from any thread; the next
     * packet or stream received is judged by it. When true (the default), with a key installed,
     * a packet no key decrypts is dropped and counted and a plain stream is refused; when false,
     * such input is taken as plaintext, which lets a cluster turn encryption on without a
     * partition. Nothing about it touches the ping-ack path's timing: a flag read per packet.
     */
    public void setGossipVerifyIncoming(boolean verify) {
        ctx.setGossipVerifyIncoming(verify);
    }

    /** Go's {@code GossipVerifyOutgoing} as in force now: see {@link #setGossipVerifyOutgoing}. */
    public boolean isGossipVerifyOutgoing() {
        return ctx.isGossipVerifyOutgoing();
    }

    /**
     * Switches Go's {@code GossipVerifyOutgoing} on a running node, from any thread; the next
     * packet or stream sent follows it. When true (the default) and a key is installed, what the
     * node sends is encrypted with the primary key; when false it goes out plain.
     */
    public void setGossipVerifyOutgoing(boolean verify) {
        ctx.setGossipVerifyOutgoing(verify);
    }

    // ---- user messages ---------------------------------------------------------------------

    /**
     * Sends a user message in one packet, no guarantee of delivery (Go's SendBestEffort): with a
     * CRC when the node speaks protocol 5, as Go sends it.
     *
     * @throws MemberlistException when the packet could not be sent (no route, too large for
     *     the socket, node names required but {@code to} has none)
     */
    public void sendBestEffort(Node to, byte[] msg) {
        await(sendBestEffortAsync(to, msg));
    }

    /** {@link #sendBestEffort} without blocking; the future fails when the packet could not be sent. */
    public CompletableFuture<Void> sendBestEffortAsync(Node to, byte[] msg) {
        return ctx.offPath(ctx.packets.rawSendMsgPacket(to.fullAddress(), to.pMax(), userPacket(msg)));
    }

    /**
     * Sends a user message in one packet to an address (Go's SendToAddress).
     *
     * @throws MemberlistException when the packet could not be sent
     */
    public void sendToAddress(Address a, byte[] msg) {
        await(sendToAddressAsync(a, msg));
    }

    /** {@link #sendToAddress} without blocking; the future fails when the packet could not be sent. */
    public CompletableFuture<Void> sendToAddressAsync(Address a, byte[] msg) {
        return ctx.offPath(ctx.packets.rawSendMsgPacket(a, null, userPacket(msg)));
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
        return ctx.offPath(ctx.streams.sendUserMsg(to.fullAddress(), msg));
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
        return ctx.offPath(ctx.probe.ping(node, addr));
    }

    // ---- internals -------------------------------------------------------------------------

    /** Waits for an async operation; refuses where waiting could never end. */
    private <T> T await(CompletableFuture<T> f) {
        if (!f.isDone()) {
            if (ctx.strand.inSchedulerThread()) {
                throw new IllegalStateException(
                        "blocking memberlist call on its own protocol strand (from an AliveDelegate or getBroadcasts?): use the ...Async variant");
            }
            if (ctx.strand.isVirtual()) {
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
        return "Memberlist[" + name + " " + Arrays.toString(ctx.advertiseAddr()) + ":" + ctx.advertisePort() + "]";
    }
}
