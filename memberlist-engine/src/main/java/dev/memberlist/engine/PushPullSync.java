package dev.memberlist.engine;

import dev.memberlist.engine.wire.DecodeException;
import dev.memberlist.engine.wire.ErrResp;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.MessageType;
import dev.memberlist.engine.wire.PushNodeState;
import dev.memberlist.engine.wire.PushPull;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Anti-entropy (Go's pushPull, pushPullNode, sendAndReceiveState, sendLocalState and
 * mergeRemoteState): a full exchange of node states, and of the node delegate's user state,
 * with one random node every (cluster-size scaled) push-pull interval, and with every seed on
 * join.
 */
final class PushPullSync {
    /** Bounds the memory of reaped nodes; the oldest go first. */
    static final int MAX_REAPED = 4096;

    private final Memberlist m;

    /** A node reaped while dead: where it was, and when it was reaped. */
    private record Reaped(Address address, long reapedAt) {}

    /**
     * Nodes reaped while dead, by name, oldest first: reconnect candidates for
     * {@link Config#getReconnectTimeout()}. Protocol thread only.
     */
    private final LinkedHashMap<String, Reaped> reaped = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Reaped> eldest) {
            return size() > MAX_REAPED;
        }
    };

    PushPullSync(Memberlist m) {
        this.m = m;
    }

    /**
     * One periodic exchange with a random alive node (Go's pushPull), and, unless
     * {@code reconnectDeadNodes} is off, one with a random node we hold dead or reaped while
     * dead: after a partition heals, that exchange makes both sides refute and merges them.
     * Protocol thread.
     */
    CompletableFuture<Void> pushPull() {
        if (m.config.isReconnectDeadNodes()) {
            reconnect();
        }
        List<NodeRecord> nodes = m.membership.kRandomNodes(1, n -> n.name.equals(m.name) || n.state != NodeState.ALIVE);
        if (nodes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        NodeRecord node = nodes.get(0);
        Address a = node.fullAddress();
        if (a == null) {
            return CompletableFuture.completedFuture(null);
        }
        return pushPullNode(a, false).exceptionally(e -> {
            m.log.warn("{}: push/pull with {} failed: {}", m.name, node.name, rootMessage(e));
            return null;
        });
    }

    /** Remembers a node reaped while dead as a reconnect candidate. Protocol thread. */
    void rememberReaped(NodeRecord n, long now) {
        Address a = n.fullAddress();
        if (m.config.isReconnectDeadNodes() && m.config.getReconnectTimeout().toNanos() > 0 && a != null) {
            reaped.remove(n.name); // re-inserted as the newest
            reaped.put(n.name, new Reaped(a, now));
        }
    }

    /** Drops the candidates past the reconnect timeout and the names known again. */
    private void expireReaped() {
        long cutoff = m.scheduler.nanoTime() - m.config.getReconnectTimeout().toNanos();
        reaped.entrySet()
                .removeIf(e -> e.getValue().reapedAt() < cutoff || m.membership.nodeMap.containsKey(e.getKey()));
    }

    /** A push-pull with one random dead or reaped node, not waited for. Protocol thread. */
    private void reconnect() {
        expireReaped();
        List<NodeRecord> dead = m.membership.kRandomNodes(1, n -> n.name.equals(m.name) || n.state != NodeState.DEAD);
        Address held = dead.isEmpty() ? null : dead.get(0).fullAddress();
        // held dead and reaped alike get a chance: half the rounds each while both exist
        String reapedName = null;
        Address a = held;
        if (!reaped.isEmpty() && (held == null || m.random.nextBoolean())) {
            int skip = m.random.nextInt(reaped.size());
            for (Map.Entry<String, Reaped> e : reaped.entrySet()) {
                if (skip-- == 0) {
                    reapedName = e.getKey();
                    a = e.getValue().address();
                    break;
                }
            }
        }
        if (a == null) {
            return;
        }
        Address target = a;
        String name = reapedName;
        // not waited for: a node that really crashed may take the whole TCP timeout to fail
        pushPullNode(target, false).whenComplete((v, e) -> {
            if (e != null) {
                m.log.debug("{}: reconnect push/pull with dead {} failed: {}", m.name, target.name(), rootMessage(e));
            } else if (name != null) {
                // answered: the node is known again, or the address is someone else's now
                m.scheduler.execute(() -> reaped.remove(name));
            }
        });
    }

    /** A complete state exchange with one node (Go's pushPullNode). Any thread. */
    CompletableFuture<Void> pushPullNode(Address a, boolean join) {
        long start = m.scheduler.nanoTime();
        return m.streams
                .dial(a, m.config.getTcpTimeout())
                .thenCompose(conn -> {
                    m.metrics.incrCounter("memberlist.tcp.connect", 1);
                    return m.supplyOnProtocolThread(
                                    () -> m.streams.encodeStreamMessage(MessageCodec.encodePushPull(localState(join))))
                            .thenCompose(bytes -> m.streams.exchange(
                                    conn, bytes, m.config.getTcpTimeout().toNanos()))
                            .whenComplete((msg, e) -> conn.close());
                })
                .thenCompose(msg -> {
                    PushPull remote;
                    try {
                        if (msg.type() == MessageType.ERR) {
                            ErrResp err = MessageCodec.decode(ErrResp.class, msg.buf(), msg.off(), msg.len());
                            throw new MemberlistException("remote error: " + err.error());
                        }
                        if (msg.type() != MessageType.PUSH_PULL) {
                            throw new MemberlistException(
                                    "received invalid msgType (" + msg.type().code() + "), expected pushPullMsg (6)");
                        }
                        remote = MessageCodec.decodePushPull(msg.buf(), msg.off(), msg.len());
                    } catch (DecodeException e) {
                        throw new CompletionException(e);
                    }
                    return m.supplyOnProtocolThread(() -> {
                        String err = mergeRemoteState(remote);
                        if (err != null) {
                            throw new MemberlistException(err);
                        }
                        return null;
                    });
                })
                .whenComplete(
                        (v, e) -> m.metrics.recordNanos("memberlist.pushPullNode", m.scheduler.nanoTime() - start))
                .thenApply(v -> null);
    }

    /** What we send: every node we know, ourselves included, and the delegate's state. Protocol thread. */
    PushPull localState(boolean join) {
        List<PushNodeState> nodes = m.membership.localStates();
        byte[] user = null;
        if (m.config.getDelegate() != null) {
            try {
                user = m.config.getDelegate().localState(join);
            } catch (RuntimeException e) {
                m.log.warn("{}: node delegate localState failed", m.name, e);
            }
        }
        return new PushPull(join, nodes, user);
    }

    /**
     * Go's mergeRemoteState. Protocol thread.
     *
     * @return null when merged, else why not
     */
    String mergeRemoteState(PushPull remote) {
        List<PushNodeState> nodes = new ArrayList<>(remote.nodes().size());
        for (PushNodeState n : remote.nodes()) {
            // protocol 1 carried no port
            if (m.config.getProtocolVersion() < 2 || n.port() == 0) {
                n = new PushNodeState(
                        n.name(), n.addr(), m.config.getBindPort(), n.meta(), n.incarnation(), n.state(), n.vsn());
            }
            nodes.add(n);
        }
        String err = m.membership.verifyProtocol(nodes);
        if (err != null) {
            return err;
        }
        if (remote.join() && m.config.getMerge() != null) {
            List<Node> peers = new ArrayList<>(nodes.size());
            for (PushNodeState n : nodes) {
                peers.add(new Node(
                        n.name(),
                        n.addr(),
                        n.port(),
                        n.meta(),
                        NodeState.fromCode(n.state()),
                        n.incarnation(),
                        n.vsn()));
            }
            try {
                m.config.getMerge().notifyMerge(List.copyOf(peers));
            } catch (RuntimeException e) {
                return e.getMessage() == null ? e.toString() : e.getMessage();
            }
        }
        m.membership.mergeState(nodes);
        byte[] user = remote.userState();
        if (user != null && user.length > 0 && m.config.getDelegate() != null) {
            m.callDelegate(() -> m.config.getDelegate().mergeRemoteState(user, remote.join()));
        }
        return null;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
