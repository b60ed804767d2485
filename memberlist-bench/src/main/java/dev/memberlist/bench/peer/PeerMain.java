package dev.memberlist.bench.peer;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.engine.Warmup;
import dev.memberlist.engine.broadcast.TransmitLimitedQueue;
import dev.memberlist.engine.scheduler.Strand;
import dev.memberlist.engine.security.Keyring;
import dev.memberlist.engine.transport.net.NetTransport;
import dev.memberlist.engine.transport.net.NetTransportConfig;
import dev.memberlist.engine.transport.net.TransportMode;
import dev.memberlist.test.fault.DelayedInboundTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The Java peer: N memberlist nodes in one JVM speaking {@code peer-protocol.md} exactly as the
 * reference Go peer does (same flags, events, commands and payload markers), so the same
 * scenarios run against both. Run it as {@code java -jar memberlist-peer.jar -nodes 3}.
 */
public final class PeerMain {
    private static final Set<String> BOOLEANS = Set.of("compress", "tcp-ping", "push-pull-after-join", "v");
    private static final Set<String> FLAGS = Set.of(
            "push-pull-after-join",
            "nodes",
            "name",
            "bind",
            "port",
            "join",
            "profile",
            "keys",
            "compress",
            "meta",
            "probe-interval",
            "probe-timeout",
            "gossip-interval",
            "gossip-nodes",
            "suspicion-mult",
            "retransmit-mult",
            "pushpull-interval",
            "indirect-checks",
            "awareness-max",
            "suspicion-max-mult",
            "label",
            "tcp-ping",
            "transport",
            "v");

    private final PrintStream stdout;
    private final long epochMillis = System.currentTimeMillis();
    private final long epochNanos = System.nanoTime();
    private final List<PeerNode> all = new ArrayList<>();

    private PeerMain(PrintStream stdout) {
        this.stdout = stdout;
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        boolean verbose = Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--v") || a.equals("-v=true"));
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "off");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        PrintStream out =
                new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        PeerMain peer = new PeerMain(out);
        try {
            peer.run(args);
        } catch (IllegalArgumentException e) {
            peer.emit(PeerNode.map("ev", "error", "error", e.getMessage()));
            System.exit(2);
        }
        System.exit(0);
    }

    void emit(Map<String, Object> fields) {
        double t = epochMillis + (System.nanoTime() - epochNanos) / 1e6;
        fields.put("t", t);
        String line = Json.write(fields);
        synchronized (stdout) {
            stdout.println(line);
        }
    }

    static String stateName(NodeState s) {
        return switch (s) {
            case ALIVE -> "alive";
            case SUSPECT -> "suspect";
            case DEAD -> "dead";
            case LEFT -> "left";
        };
    }

    private void run(String[] args) throws Exception {
        Flags f = new Flags(args, BOOLEANS, FLAGS);
        int nodes = f.integer("nodes", 1);
        String prefix = f.string("name", "java");
        String bind = f.string("bind", "127.0.0.1");
        int port = f.integer("port", 7946);
        String join = f.string("join", "");
        String profile = f.string("profile", "lan");
        String keys = f.string("keys", "");
        boolean compress = f.bool("compress", true);
        String meta = f.string("meta", "");
        int probeInterval = f.integer("probe-interval", 0);
        int probeTimeout = f.integer("probe-timeout", 0);
        int gossipInterval = f.integer("gossip-interval", 0);
        int gossipNodes = f.integer("gossip-nodes", 0);
        int suspicionMult = f.integer("suspicion-mult", 0);
        int retransmitMult = f.integer("retransmit-mult", 0);
        int pushPull = f.integer("pushpull-interval", -1);
        int indirect = f.integer("indirect-checks", -1);
        int awarenessMax = f.integer("awareness-max", 0);
        int suspicionMaxMult = f.integer("suspicion-max-mult", 0);
        String label = f.string("label", "");
        boolean tcpPing = f.bool("tcp-ping", true);
        // not in peer-protocol.md either: false sends exactly Go's traffic after a join
        // (Config#isPushPullAfterJoin), to compare bytes with the Go peer like for like
        boolean pushPullAfterJoin = f.bool("push-pull-after-join", true);
        // not in peer-protocol.md: this peer's own, as the Go peer has no TCP-only mode
        TransportMode transport =
                switch (f.string("transport", "udp")) {
                    case "udp" -> TransportMode.UDP;
                    case "tcp" -> TransportMode.TCP;
                    default -> throw new IllegalArgumentException(
                            "-transport must be udp or tcp, got " + f.string("transport", ""));
                };

        Keyring keyring = null;
        if (!keys.isEmpty()) {
            List<byte[]> ks = new ArrayList<>();
            for (String k : keys.split(",")) {
                ks.add(Base64.getDecoder().decode(k.trim()));
            }
            keyring = Keyring.create(ks, ks.get(0));
        }

        // a JVM runs cold code slowly and then spends minutes compiling it at memberlist's light
        // pace; run the protocol fast with these settings for a while before announcing ready
        Warmup.protocol(
                Config.profile(profile)
                        .setEnableCompression(compress)
                        .setKeyring(keyring)
                        .setLabel(label),
                WARMUP);
        for (int i = 0; i < nodes; i++) {
            Config c = Config.profile(profile);
            String name = nodes > 1 ? prefix + "-" + i : prefix;
            PeerNode n = new PeerNode(name, meta.replace("{i}", Integer.toString(i)), this);
            c.setName(name)
                    .setBindAddr(bind)
                    .setBindPort(port + i)
                    .setAdvertiseAddr(bind)
                    .setAdvertisePort(port + i)
                    .setEnableCompression(compress)
                    .setKeyring(keyring)
                    .setLabel(label)
                    .setDisableTcpPings(!tcpPing)
                    .setPushPullAfterJoin(pushPullAfterJoin);
            if (probeInterval > 0) {
                c.setProbeInterval(Duration.ofMillis(probeInterval));
            }
            if (probeTimeout > 0) {
                c.setProbeTimeout(Duration.ofMillis(probeTimeout));
            }
            if (gossipInterval > 0) {
                c.setGossipInterval(Duration.ofMillis(gossipInterval));
            }
            if (gossipNodes > 0) {
                c.setGossipNodes(gossipNodes);
            }
            if (suspicionMult > 0) {
                c.setSuspicionMult(suspicionMult);
            }
            if (retransmitMult > 0) {
                c.setRetransmitMult(retransmitMult);
            }
            if (pushPull >= 0) {
                c.setPushPullInterval(Duration.ofMillis(pushPull));
            }
            if (indirect >= 0) {
                c.setIndirectChecks(indirect);
            }
            if (awarenessMax > 0) {
                c.setAwarenessMaxMultiplier(awarenessMax);
            }
            if (suspicionMaxMult > 0) {
                c.setSuspicionMaxTimeoutMult(suspicionMaxMult);
            }
            n.net = new NetTransport(NetTransportConfig.builder()
                    .bindAddrs(bind)
                    .bindPort(port + i)
                    .mode(transport)
                    .build());
            n.slow = new DelayedInboundTransport(n.net, new Strand("delay " + name));
            c.setTransport(n.slow).setDelegate(n).setEvents(n);
            int mult = c.getRetransmitMult();
            n.queue = new TransmitLimitedQueue(() -> n.m == null ? 1 : n.m.numMembers(), mult);
            try {
                n.m = Memberlist.prepare(c);
            } catch (Exception e) {
                emit(PeerNode.map("ev", "error", "self", name, "error", String.valueOf(e.getMessage())));
                System.exit(1);
            }
            all.add(n);
        }
        startAll(bind, port);
        for (int i = 0; i < all.size(); i++) {
            List<String> seeds;
            if (!join.isEmpty()) {
                seeds = Arrays.asList(join.split(","));
            } else if (i > 0) {
                seeds = List.of(bind + ":" + port);
            } else {
                continue;
            }
            joinAndReport(all.get(i), seeds);
        }

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (!command(line)) {
                break;
            }
        }
        for (PeerNode n : all) {
            if (!n.dead) {
                n.m.shutdown();
            }
        }
        emit(PeerNode.map("ev", "bye"));
    }

    /**
     * Starts every node (binds and announces it), several at a time, each emitting {@code ready}
     * once it listens. A node's start waits on the event loop for two binds and on its new
     * protocol thread, about 5 ms in a cold JVM; one after another, 64 nodes took 400 ms before
     * the last could join, which Go's peer does in a few, and peer-bench's converge time counts
     * from the first {@code ready}.
     */
    private void startAll(String bind, int port) {
        ExecutorService starter = Executors.newFixedThreadPool(Math.min(all.size(), STARTER_THREADS));
        try {
            List<Future<?>> started = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                PeerNode n = all.get(i);
                String addr = bind + ":" + (port + i);
                started.add(starter.submit(() -> {
                    n.m.start();
                    emit(PeerNode.map("ev", "ready", "self", n.name, "addr", addr));
                    return null;
                }));
            }
            for (int i = 0; i < started.size(); i++) {
                try {
                    started.get(i).get();
                } catch (ExecutionException e) {
                    emit(PeerNode.map(
                            "ev",
                            "error",
                            "self",
                            all.get(i).name,
                            "error",
                            String.valueOf(e.getCause().getMessage())));
                    System.exit(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    System.exit(1);
                }
            }
        } finally {
            starter.shutdown();
        }
    }

    private static final int STARTER_THREADS = 8;

    /** How long the protocol runs fast before the nodes start: see {@link Warmup#protocol}. */
    private static final Duration WARMUP = Duration.ofSeconds(1);

    /**
     * How long a failed start-up join is retried. Drivers start one peer process after another a
     * few milliseconds apart; a Go peer listens within milliseconds, but a JVM needs a second or
     * more (longer on a busy machine), so a later process can try to join the seed before the
     * seed's JVM is listening. Go's single attempt would then leave the node alone for good.
     * And when thousands of nodes join one seed at once, the seed refuses its 128th concurrent
     * push-pull (as Go does) and answers the rest late: those joins are tried again later.
     */
    private static final Duration JOIN_RETRY_FOR = Duration.ofMinutes(5);

    /** The first retry's delay; it doubles up to {@link #JOIN_RETRY_MAX}, with random jitter. */
    private static final Duration JOIN_RETRY_EVERY = Duration.ofMillis(500);

    private static final Duration JOIN_RETRY_MAX = Duration.ofSeconds(8);

    private void joinAndReport(PeerNode n, List<String> seeds) {
        joinAndReport(n, seeds, System.nanoTime() + JOIN_RETRY_FOR.toNanos(), JOIN_RETRY_EVERY.toMillis());
    }

    private void joinAndReport(PeerNode n, List<String> seeds, long retryUntil, long backoffMillis) {
        n.m.joinAsync(seeds).whenComplete((k, e) -> {
            if (e != null && !n.dead && System.nanoTime() < retryUntil) {
                // jittered, so a storm of failed joins does not come back as one wave
                long delay = backoffMillis / 2 + ThreadLocalRandom.current().nextLong(backoffMillis);
                long next = Math.min(2 * backoffMillis, JOIN_RETRY_MAX.toMillis());
                CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)
                        .execute(() -> joinAndReport(n, seeds, retryUntil, next));
                return;
            }
            Map<String, Object> r = PeerNode.map("ev", "joined", "self", n.name, "contacted", k == null ? 0 : k);
            if (e != null) {
                r.put("error", rootMessage(e));
            }
            emit(r);
        });
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private List<PeerNode> targets(String sel) {
        if (sel.equals("*")) {
            return all.stream().filter(n -> !n.dead).toList();
        }
        try {
            int i = Integer.parseInt(sel);
            if (i >= 0 && i < all.size() && !all.get(i).dead) {
                return List.of(all.get(i));
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        emit(PeerNode.map("ev", "error", "error", "no live node " + sel));
        return List.of();
    }

    /** Runs one command line; false on quit. */
    private boolean command(String line) {
        String[] f = line.trim().split(" ", 4);
        if (f.length == 0 || f[0].isEmpty()) {
            return true;
        }
        if (f[0].equals("quit")) {
            return false;
        }
        if (f.length < 2) {
            emit(PeerNode.map("ev", "error", "error", "bad command: " + line));
            return true;
        }
        for (PeerNode n : targets(f[1])) {
            try {
                run(n, f, line);
            } catch (RuntimeException e) {
                emit(PeerNode.map("ev", "error", "self", n.name, "error", rootMessage(e)));
            }
        }
        return true;
    }

    private static String rest(String[] f, int k) {
        return f.length > k ? String.join(" ", Arrays.copyOfRange(f, k, f.length)) : "";
    }

    private void run(PeerNode n, String[] f, String line) {
        switch (f[0]) {
            case "members" -> {
                List<Map<String, Object>> ms = new ArrayList<>();
                for (Node x : n.m.members()) {
                    ms.add(PeerNode.map(
                            "node",
                            x.name(),
                            "addr",
                            x.address(),
                            "meta",
                            x.metaString(),
                            "state",
                            stateName(x.state())));
                }
                emit(PeerNode.map("ev", "members", "self", n.name, "alive", n.m.numMembers(), "members", ms));
            }
            case "health" -> emit(PeerNode.map("ev", "health", "self", n.name, "score", n.m.getHealthScore()));
            case "stats" -> {
                NetTransport.Stats s = n.net.stats();
                emit(PeerNode.map(
                        "ev",
                        "stats",
                        "self",
                        n.name,
                        "bytes_out",
                        s.bytesOut(),
                        "bytes_in",
                        s.bytesIn(),
                        "pkts_out",
                        s.pktsOut(),
                        "pkts_in",
                        s.pktsIn()));
            }
            case "kill" -> {
                n.dead = true;
                n.m.shutdown();
                emit(PeerNode.map("ev", "killed", "self", n.name));
            }
            case "leave" -> {
                n.dead = true;
                String err = null;
                try {
                    n.m.leave(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    err = rootMessage(e);
                }
                n.m.shutdown();
                Map<String, Object> r = PeerNode.map("ev", "left", "self", n.name);
                if (err != null) {
                    r.put("error", err);
                }
                emit(r);
            }
            case "meta" -> {
                n.meta = rest(f, 2).getBytes(StandardCharsets.UTF_8);
                n.m.updateNodeAsync(Duration.ofSeconds(5)).whenComplete((v, e) -> {
                    if (e != null) {
                        emit(PeerNode.map("ev", "error", "self", n.name, "error", rootMessage(e)));
                    }
                });
            }
            case "join" -> joinAndReport(n, Arrays.asList(rest(f, 2).split(",")));
            case "delay" -> {
                int d;
                try {
                    d = Integer.parseInt(rest(f, 2).trim());
                } catch (NumberFormatException e) {
                    d = -1;
                }
                if (d < 0) {
                    emit(PeerNode.map("ev", "error", "self", n.name, "error", "bad delay: " + rest(f, 2)));
                    return;
                }
                n.slow.setInboundDelay(Duration.ofMillis(d));
            }
            case "stall" -> {
                int d;
                try {
                    d = Integer.parseInt(rest(f, 2).trim());
                } catch (NumberFormatException e) {
                    d = -1;
                }
                if (d < 0) {
                    emit(PeerNode.map("ev", "error", "self", n.name, "error", "bad stall: " + rest(f, 2)));
                    return;
                }
                n.stallMillis = d;
            }
            case "broadcast" -> n.remember(rest(f, 2));
            case "send", "sendbe" -> {
                if (f.length < 3) {
                    emit(PeerNode.map("ev", "error", "error", "bad command: " + line));
                    return;
                }
                Node x = n.m.members().stream()
                        .filter(m -> m.name().equals(f[2]))
                        .findFirst()
                        .orElse(null);
                if (x == null) {
                    emit(PeerNode.map("ev", "error", "self", n.name, "error", "unknown node " + f[2]));
                    return;
                }
                byte[] payload = ("U" + rest(f, 3)).getBytes(StandardCharsets.UTF_8);
                CompletableFuture<Void> sent =
                        f[0].equals("send") ? n.m.sendReliableAsync(x, payload) : n.m.sendBestEffortAsync(x, payload);
                sent.whenComplete((v, e) -> {
                    if (e != null) {
                        emit(PeerNode.map("ev", "error", "self", n.name, "error", rootMessage(e)));
                    }
                });
            }
            default -> emit(PeerNode.map("ev", "error", "error", "unknown command: " + f[0]));
        }
    }
}
