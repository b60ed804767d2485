package dev.memberlist.engine;

import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.engine.scheduler.Cancellable;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.wire.DecodeException;
import dev.memberlist.engine.wire.ErrResp;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.MessageType;
import dev.memberlist.engine.wire.PushNodeState;
import dev.memberlist.engine.wire.PushPull;
import dev.memberlist.engine.wire.StaleStates;
import java.net.InetSocketAddress;
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

    private final NodeContext m;

    /** A node reaped while dead: where it was, and when it was reaped. */
    private record Reaped(Address address, long reapedAt) {}

    /**
     * Nodes reaped while dead, by name, oldest first: reconnect candidates for
     * {@link Config#getReconnectTimeout()}. Strand only.
     */
    private final LinkedHashMap<String, Reaped> reaped = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Reaped> eldest) {
            return size() > MAX_REAPED;
        }
    };

    PushPullSync(NodeContext m) {
        this.m = m;
    }

    /**
     * One periodic exchange with a random alive node (Go's pushPull), and, unless
     * {@code reconnectDeadNodes} is off, one with a random node we hold dead or reaped while
     * dead: after a partition heals, that exchange makes both sides refute and merges them.
     * Strand.
     */
    CompletableFuture<Void> pushPull() {
        return pushPull(true);
    }

    /**
     * {@link #pushPull()}, where {@code random} false leaves out the exchange with a random alive
     * node (the one after a join took its place). Strand.
     */
    CompletableFuture<Void> pushPull(boolean random) {
        if (m.config.isReconnectDeadNodes()) {
            reconnect();
        }
        return random ? pushPullRandom() : CompletableFuture.completedFuture(null);
    }

    /** One exchange with a random alive node, failures logged. Strand. */
    CompletableFuture<Void> pushPullRandom() {
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

    /** Remembers a node reaped while dead as a reconnect candidate. Strand. */
    void rememberReaped(NodeRecord n, long now) {
        Address a = n.fullAddress();
        if (m.config.isReconnectDeadNodes() && m.config.getReconnectTimeout().toNanos() > 0 && a != null) {
            reaped.remove(n.name); // re-inserted as the newest
            reaped.put(n.name, new Reaped(a, now));
        }
    }

    /** Drops the candidates past the reconnect timeout and the names known again. */
    private void expireReaped() {
        long cutoff = m.strand.nanoTime() - m.config.getReconnectTimeout().toNanos();
        reaped.entrySet()
                .removeIf(e -> e.getValue().reapedAt() < cutoff || m.membership.nodeMap.containsKey(e.getKey()));
    }

    /** A push-pull with one random dead or reaped node, not waited for. Strand. */
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
        String expected = a.name();
        if (expected.isEmpty()) {
            return; // nothing to tell the member from whoever holds its address now
        }
        // An address outlives its member: first ask whether the member we expect answers there
        // (a node acks only pings for its own name), and only then send our state, as a join,
        // so that both sides' MergeDelegates may refuse. The ping goes over TCP: a UDP ack
        // carries the answering node's queued broadcasts, which would hand us its alive before
        // any delegate was asked; a stream ack carries nothing else. Not waited for.
        long deadline = m.strand.nanoTime() + m.config.getTcpTimeout().toNanos();
        m.streams
                .sendPingAndWaitForAck(target, m.newPing(m.nextSeqNo(), expected), deadline)
                .thenCompose(acked -> {
                    if (!Boolean.TRUE.equals(acked)) {
                        m.metrics.incrCounter("memberlist.reconnect.unanswered", 1);
                        return CompletableFuture.<Void>failedFuture(
                                new MemberlistException("reconnect: " + expected + " did not answer"));
                    }
                    return pushPullNode(target, true, expected);
                })
                .whenComplete((v, e) -> {
                    if (e != null) {
                        m.log.debug("{}: reconnect with dead {} failed: {}", m.name, target.name(), rootMessage(e));
                    } else if (name != null) {
                        // the member is known again
                        m.strand.execute(() -> reaped.remove(name));
                    }
                });
    }

    /**
     * Joins through every address at once (Go's Join, after resolving): a push-pull each, the
     * failures added to {@code errors}; marks the node joined when one succeeded. Any thread.
     *
     * @return how many exchanges succeeded
     */
    CompletableFuture<Integer> joinAll(List<Address> addrs, List<String> errors) {
        List<CompletableFuture<Boolean>> attempts = new ArrayList<>(addrs.size());
        for (Address a : addrs) {
            attempts.add(pushPullNode(a, true).handle((v, e) -> {
                if (e != null) {
                    errors.add("Failed to join " + a.hostPort() + ": " + rootMessage(e));
                    return false;
                }
                return true;
            }));
        }
        return CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new))
                .thenApply(v -> {
                    int ok = (int)
                            attempts.stream().filter(CompletableFuture::join).count();
                    if (ok > 0) {
                        m.joined();
                    }
                    return ok;
                });
    }

    /**
     * A complete state exchange with one node (Go's pushPullNode). Any thread: the snapshot and
     * the merge run on the strand, the delegate's state, the encoding and the decoding on the
     * stream side.
     */
    CompletableFuture<Void> pushPullNode(Address a, boolean join) {
        return pushPullNode(a, join, null);
    }

    /**
     * {@link #pushPullNode(Address, boolean)}, merging only when the state that comes back holds
     * {@code expect} at the address we dialled (when not null): a reconnect must not merge
     * whoever took over a dead member's address.
     */
    private CompletableFuture<Void> pushPullNode(Address a, boolean join, String expect) {
        long start = m.strand.nanoTime();
        return m.streams
                .dial(a, m.config.getTcpTimeout())
                .thenCompose(conn -> {
                    m.metrics.incrCounter("memberlist.tcp.connect", 1);
                    return m.onStrand(m.membership::localRecords)
                            .thenApplyAsync(nodes -> encodeState(join, nodes), m.streamWork)
                            .thenCompose(bytes -> m.streams.exchange(
                                    conn, bytes, m.config.getTcpTimeout().toNanos()))
                            .whenComplete((frame, e) -> conn.close());
                })
                .thenApplyAsync(this::decodeReply, m.streamWork)
                .thenApply(remote -> {
                    if (expect != null && !holds(remote.state(), expect, a)) {
                        m.metrics.incrCounter("memberlist.reconnect.refused", 1);
                        throw new MemberlistException(
                                "reconnect: the node at " + a.socketAddress() + " is not " + expect + ", not merged");
                    }
                    return remote;
                })
                .thenCompose(remote -> merge(remote.state(), remote.sealed(), a.socketAddress()))
                .whenComplete((v, e) -> m.metrics.recordNanos("memberlist.pushPullNode", m.strand.nanoTime() - start));
    }

    /** Whether a remote state lists {@code name} at the address we dialled: that member answered. */
    private static boolean holds(PushPull remote, String name, Address a) {
        for (PushNodeState n : remote.nodes()) {
            if (n.name().equals(name)) {
                InetSocketAddress at = a.socketAddress();
                return NodeRecord.sameAddress(
                        n.addr(), n.port(), at.getAddress().getAddress(), at.getPort());
            }
        }
        return false;
    }

    /** A push-pull state received, and whether the keyring authenticated it. */
    private record Reply(PushPull state, boolean sealed) {}

    /** The remote's answer to our push-pull: its state, or why there is none. Stream side. */
    private Reply decodeReply(byte[] frame) {
        StreamLayer.StreamMsg msg = m.streams.decode(frame);
        try {
            if (msg.type() == MessageType.ERR) {
                ErrResp err = MessageCodec.decode(ErrResp.class, msg.buf(), msg.off(), msg.len());
                throw new MemberlistException("remote error: " + err.error());
            }
            if (msg.type() != MessageType.PUSH_PULL) {
                throw new MemberlistException(
                        "received invalid msgType (" + msg.type().code() + "), expected pushPullMsg (6)");
            }
            return new Reply(MessageCodec.decodePushPull(msg.buf(), msg.off(), msg.len(), staleStates()), msg.sealed());
        } catch (DecodeException e) {
            throw new CompletionException(e);
        }
    }

    /**
     * What a push-pull's reader may leave out: the alive states we have, as the packet path drops
     * them ({@link Membership#isStaleAlive}); none of a join a merge delegate must see whole. Any
     * thread, as that check is: an incarnation only grows, so a state old when read is old when
     * merged.
     */
    StaleStates staleStates() {
        return join -> join && m.config.getMerge() != null ? null : m.membership::isStaleAlive;
    }

    /**
     * Answers a push-pull a peer opened (Go's handleConn: sendLocalState, then mergeRemoteState).
     * Stream side. Our snapshot and their merge are one strand task, the snapshot first, so the
     * answer holds our state before the merge, as Go's does.
     *
     * @param sealed whether the keyring authenticated their state
     * @return completes when merged, exceptionally when their state was refused
     */
    CompletableFuture<Void> answer(StreamConnection conn, PushPull remote, boolean sealed, Cancellable deadline) {
        List<PushNodeState> theirs = withPorts(remote.nodes());
        boolean askMerge = remote.join() && m.config.getMerge() != null;
        return m.onStrand(() -> {
                    List<NodeRecord> ours = m.membership.localRecords();
                    String refused = m.membership.verifyProtocol(theirs, remote.skipped());
                    if (refused == null && !askMerge) {
                        m.membership.mergeState(theirs, sealed, null);
                    }
                    return new Snapshot(ours, refused);
                })
                .thenComposeAsync(
                        snap -> {
                            byte[] reply = encodeState(remote.join(), snap.ours());
                            // the stream's deadline stands until the reply is written
                            conn.write(reply).whenComplete((v, e) -> {
                                conn.close();
                                deadline.cancel();
                            });
                            return finishMerge(theirs, remote, snap.refused(), askMerge, sealed, null);
                        },
                        m.streamWork);
    }

    /** Our node states taken on the strand, and what verifying theirs found. */
    private record Snapshot(List<NodeRecord> ours, String refused) {}

    /**
     * Verifies and merges the state of the node we exchanged with. Stream side.
     *
     * @param sealed whether the keyring authenticated their state
     * @param dialled the address we dialled: the member there speaks for itself
     */
    private CompletableFuture<Void> merge(PushPull remote, boolean sealed, InetSocketAddress dialled) {
        List<PushNodeState> theirs = withPorts(remote.nodes());
        boolean askMerge = remote.join() && m.config.getMerge() != null;
        return m.onStrand(() -> {
                    String refused = m.membership.verifyProtocol(theirs, remote.skipped());
                    if (refused == null && !askMerge) {
                        m.membership.mergeState(theirs, sealed, dialled);
                    }
                    return refused;
                })
                .thenComposeAsync(
                        refused -> finishMerge(theirs, remote, refused, askMerge, sealed, dialled), m.streamWork);
    }

    /**
     * The rest of Go's mergeRemoteState, on the stream side: the {@code MergeDelegate} (then the
     * merge, on the strand) when it is to be asked, and the node delegate's user state.
     */
    private CompletableFuture<Void> finishMerge(
            List<PushNodeState> theirs,
            PushPull remote,
            String refused,
            boolean askMerge,
            boolean sealed,
            InetSocketAddress dialled) {
        if (refused != null) {
            return CompletableFuture.failedFuture(new MemberlistException(refused));
        }
        CompletableFuture<Void> merged;
        if (askMerge) {
            String rejected = askMergeDelegate(theirs);
            if (rejected != null) {
                return CompletableFuture.failedFuture(new MemberlistException(rejected));
            }
            merged = m.onStrand(() -> {
                m.membership.mergeState(theirs, sealed, dialled);
                return null;
            });
        } else {
            merged = CompletableFuture.completedFuture(null);
        }
        byte[] user = remote.userState();
        NodeDelegate d = m.config.getDelegate();
        if (user == null || user.length == 0 || d == null) {
            return merged;
        }
        return merged.thenRunAsync(
                () -> m.callInline(() -> d.mergeRemoteState(user, remote.join()), "merge_remote_state"), m.streamWork);
    }

    /** Go's NotifyMerge: null when accepted, else why not. */
    private String askMergeDelegate(List<PushNodeState> nodes) {
        List<Node> peers = new ArrayList<>(nodes.size());
        for (PushNodeState n : nodes) {
            peers.add(new Node(
                    n.name(), n.addr(), n.port(), n.meta(), NodeState.fromCode(n.state()), n.incarnation(), n.vsn()));
        }
        try {
            m.config.getMerge().notifyMerge(List.copyOf(peers));
            return null;
        } catch (RuntimeException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        } catch (Throwable e) {
            m.delegates.failed(e, "merge");
            return "merge delegate failed: " + e;
        }
    }

    /** Protocol 1 carried no port: such nodes get our bind port, as in Go. */
    private List<PushNodeState> withPorts(List<PushNodeState> remote) {
        List<PushNodeState> nodes = new ArrayList<>(remote.size());
        for (PushNodeState n : remote) {
            if (m.config.getProtocolVersion() < 2 || n.port() == 0) {
                n = new PushNodeState(
                        n.name(), n.addr(), m.config.getBindPort(), n.meta(), n.incarnation(), n.state(), n.vsn());
            }
            nodes.add(n);
        }
        return nodes;
    }

    /**
     * What we send (Go's sendLocalState): the node states taken on the strand and the delegate's
     * state, encoded, compressed and encrypted. Stream side: {@code localState} may be slow.
     */
    private byte[] encodeState(boolean join, List<NodeRecord> nodes) {
        byte[] user = null;
        NodeDelegate d = m.config.getDelegate();
        if (d != null) {
            byte[][] out = new byte[1][];
            m.callInline(() -> out[0] = d.localState(join), "local_state");
            user = out[0];
        }
        List<byte[]> states = new ArrayList<>(nodes.size());
        for (NodeRecord n : nodes) {
            states.add(n.pushState());
        }
        return m.streams.encodeStreamMessage(MessageCodec.encodePushPull(join, states, user));
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
