package dev.memberlist.engine;

import dev.memberlist.engine.wire.DecodeException;
import dev.memberlist.engine.wire.ErrResp;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.MessageType;
import dev.memberlist.engine.wire.PushNodeState;
import dev.memberlist.engine.wire.PushPull;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Anti-entropy (Go's pushPull, pushPullNode, sendAndReceiveState, sendLocalState and
 * mergeRemoteState): a full exchange of node states, and of the node delegate's user state,
 * with one random node every (cluster-size scaled) push-pull interval, and with every seed on
 * join.
 */
final class PushPullSync {
    private final Memberlist m;

    PushPullSync(Memberlist m) {
        this.m = m;
    }

    /**
     * One periodic exchange with a random alive node (Go's pushPull), and, unless
     * {@code reconnectDeadNodes} is off, one with a random node we hold dead: after a partition
     * heals, that exchange makes both sides refute and merges them. Protocol thread.
     */
    CompletableFuture<Void> pushPull() {
        if (m.config.isReconnectDeadNodes()) {
            List<NodeRecord> dead =
                    m.membership.kRandomNodes(1, n -> n.name.equals(m.name) || n.state != NodeState.DEAD);
            Address a = dead.isEmpty() ? null : dead.get(0).fullAddress();
            if (a != null) {
                // not waited for: a node that really crashed may take the whole TCP timeout to fail
                pushPullNode(a, false).exceptionally(e -> {
                    m.log.debug("{}: reconnect push/pull with dead {} failed: {}", m.name, a.name(), rootMessage(e));
                    return null;
                });
            }
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
