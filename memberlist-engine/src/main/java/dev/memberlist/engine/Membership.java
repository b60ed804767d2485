package dev.memberlist.engine;

import dev.memberlist.engine.state.ProtocolMath;
import dev.memberlist.engine.state.Suspicion;
import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.AliveView;
import dev.memberlist.engine.wire.Dead;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.PushNodeState;
import dev.memberlist.engine.wire.SkippedStates;
import dev.memberlist.engine.wire.Suspect;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node table and its state transitions: alive, suspect, dead, left, refutation and the
 * push-pull merge (the transition half of Go's state.go). Strand only, except the published
 * views, which any thread may read. Events go to the delegate queue, in order.
 */
final class Membership {
    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    private final NodeContext m;
    /**
     * Probe order (Go's {@code nodes}), by name: shuffled at every wrap-around, new nodes inserted
     * at random offsets. Names, not records: a record is replaced whenever its node changes, a
     * name stays. Strand only.
     */
    final List<String> nodes = new ArrayList<>();

    /**
     * Every known node by name. Changed on the strand only; readers on any thread look up a
     * record's published {@link NodeRecord#view()}, which is all they read of it.
     */
    final NodeMap nodeMap = new NodeMap();

    private final Map<String, Suspicion> nodeTimers = new HashMap<>();
    /**
     * Leaves we heard claimed for a member but could not verify (see {@link #deadNode(Dead,
     * boolean)}): the member is suspected, and if its suspicion runs out unrefuted it is marked
     * left rather than dead. Cleared with the suspicion. Strand only.
     */
    private final Map<String, Long> claimedLeaves = new HashMap<>();

    private final EnumMap<NodeState, Integer> stateCounts = new EnumMap<>(NodeState.class);
    /** Go's {@code numNodes}: every entry of the node list, read by queues on any thread. */
    private volatile int numNodes;

    int probeIndex;
    /** Our name's heads ({@link AliveView#nameHeads}), to tell our record apart in the stale check. */
    private final long selfHead0;

    private final long selfHead1;

    Membership(NodeContext m) {
        this.m = m;
        long[] heads = AliveView.nameHeads(m.name);
        this.selfHead0 = heads[0];
        this.selfHead1 = heads[1];
        for (NodeState s : NodeState.values()) {
            stateCounts.put(s, 0);
        }
    }

    int estNumNodes() {
        return numNodes;
    }

    /** The published views, for readers on any thread. */
    List<Node> views() {
        List<NodeRecord> records = nodeMap.values();
        List<Node> out = new ArrayList<>(records.size());
        for (NodeRecord r : records) {
            out.add(r.view());
        }
        return out;
    }

    Node view(String name) {
        NodeRecord r = nodeMap.get(name);
        return r == null ? null : r.view();
    }

    /** The record at a position of the probe order. Strand. */
    NodeRecord nodeAt(int i) {
        return nodeMap.get(nodes.get(i));
    }

    /** Node counts by state, for health and metrics. */
    synchronized Map<NodeState, Integer> stateCounts() {
        return new EnumMap<>(stateCounts);
    }

    /** When the named node's state last changed, as we saw it; 0 when unknown. Strand. */
    long stateChange(String name) {
        return nodeMap.stateChange(name, m.strand.nanoTime());
    }

    /**
     * Puts a record as Go's tests write {@code m.nodeMap} and {@code m.nodes} directly: in place
     * of the one of the same name, or appended to the probe order. Strand.
     */
    void putForTest(NodeRecord r, long stateChange) {
        NodeRecord old = nodeMap.get(r.name);
        if (old == null) {
            nodes.add(r.name);
            numNodes = nodes.size();
        }
        publish(old, r, stateChange);
    }

    /**
     * Publishes a node's new record to readers, in place of {@code old} (null for a new node),
     * with the time its state last changed. Strand.
     */
    private void publish(NodeRecord old, NodeRecord r, long stateChange) {
        nodeMap.put(r, stateChange);
        if (old == null || old.state != r.state) {
            synchronized (this) {
                if (old != null) {
                    stateCounts.merge(old.state, -1, Integer::sum);
                }
                stateCounts.merge(r.state, 1, Integer::sum);
            }
            if (old != null) {
                setStateGauge(old.state);
            }
            setStateGauge(r.state);
        }
    }

    private void unpublish(NodeRecord r) {
        nodeMap.remove(r.name);
        synchronized (this) {
            stateCounts.merge(r.state, -1, Integer::sum);
        }
        setStateGauge(r.state);
    }

    /** The gauge's tag per state, lower case as Go's metric labels. */
    private static final String[] STATE_TAGS = Arrays.stream(NodeState.values())
            .map(s -> s.name().toLowerCase(java.util.Locale.ROOT))
            .toArray(String[]::new);

    private void setStateGauge(NodeState s) {
        int count;
        synchronized (this) {
            count = stateCounts.get(s);
        }
        m.metrics.setGauge("memberlist.node.instances", count, "node_state", STATE_TAGS[s.ordinal()]);
    }

    boolean anyAlive() {
        for (String name : nodes) {
            NodeRecord n = nodeMap.get(name);
            if (!n.deadOrLeft() && !n.name.equals(m.name)) {
                return true;
            }
        }
        return false;
    }

    /** Go's resetNodes: reap dead and left nodes past GossipToTheDeadTime, then shuffle. */
    void resetNodes() {
        long now = m.strand.nanoTime();
        long gossipToTheDead = m.config.getGossipToTheDeadTime().toNanos();
        List<String> keep = new ArrayList<>(nodes.size());
        for (String name : nodes) {
            NodeRecord n = nodeMap.get(name);
            if (n.deadOrLeft() && now - stateChange(name) > gossipToTheDead) {
                if (n.state == NodeState.DEAD) {
                    m.pushPull.rememberReaped(n, now);
                }
                Suspicion s = nodeTimers.remove(n.name);
                if (s != null) {
                    s.cancel();
                }
                unpublish(n);
            } else {
                keep.add(name);
            }
        }
        nodes.clear();
        nodes.addAll(keep);
        numNodes = nodes.size();
        Collections.shuffle(nodes, m.random);
    }

    /**
     * Go's kRandomNodes: up to k distinct nodes not excluded, drawn at random. Below 3k nodes
     * a shuffled scan (Go v0.6.0), which never misses an eligible node.
     */
    List<NodeRecord> kRandomNodes(int k, Predicate<NodeRecord> exclude) {
        int n = nodes.size();
        List<NodeRecord> out = new ArrayList<>(k);
        if (k <= 0 || n == 0) {
            return out;
        }
        if (n <= 3 * k) {
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = m.random.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
            for (int i = 0; i < n && out.size() < k; i++) {
                NodeRecord node = nodeAt(idx[i]);
                if (!exclude.test(node)) {
                    out.add(node);
                }
            }
            return out;
        }
        outer:
        for (int i = 0; i < 3 * n && out.size() < k; i++) {
            NodeRecord node = nodeAt(m.random.nextInt(n));
            if (exclude.test(node)) {
                continue;
            }
            for (NodeRecord o : out) {
                if (o == node) {
                    continue outer;
                }
            }
            out.add(node);
        }
        return out;
    }

    // ---- transitions (Go's aliveNode, suspectNode, deadNode, refute, mergeState) ------------

    /**
     * True when {@link #aliveNode} would drop this message at its incarnation check having done
     * nothing else: about another node we hold at the same address, no newer than ours, with sane
     * versions, and no alive delegate or address filter that must see every message. Gossip
     * repeats each alive about twenty times to each node, so this is most alive messages; they are
     * then dropped where they are read, before being decoded or handed to the strand. Any thread:
     * an incarnation only grows, so a message old when read is old when the strand would take it
     * (as if Go's handler had run on arrival).
     */
    boolean isStaleAlive(AliveView a) {
        if (m.config.getAlive() != null || m.config.ipMustBeChecked() || m.config.getProtocolVersion() < 2) {
            return false;
        }
        int vsn = a.vsnLength();
        if (vsn >= 3 && (a.vsn(0) == 0 || a.vsn(1) == 0 || a.vsn(0) > a.vsn(1))) {
            return false;
        }
        if (a.port() == 0) {
            return false;
        }
        // found by the name's bytes, without its string
        NodeRecord state = nodeMap.get(a);
        if (state == null || a.incarnation() > state.incarnation || isOwn(state)) {
            return false;
        }
        long key = a.addressKey();
        return key != -1 ? key == state.addressKey : state.port == a.port() && a.addrEquals(state.addr);
    }

    /**
     * True when the record is ours: by identity, as our record carries our interned name, else
     * by its heads (in the record, read already) before a comparison of the strings.
     */
    private boolean isOwn(NodeRecord r) {
        return r.name == m.name || (r.nameHead0 == selfHead0 && r.nameHead1 == selfHead1 && r.name.equals(m.name));
    }

    void aliveNode(Alive a, Runnable notify, boolean bootstrap) {
        // the hashes first (each string keeps its own): most names are as long as ours, and
        // equals alone compared their bytes, a cache miss a member in a push-pull's merge
        boolean isLocalNode = a.node() == m.name
                || (a.node().hashCode() == m.name.hashCode() && a.node().equals(m.name));
        // a queued alive about us must not undo a leave in progress
        if (m.hasLeft() && isLocalNode) {
            return;
        }
        byte[] vsn = a.vsn();
        if (vsn != null && vsn.length >= 3) {
            int pMin = vsn[0] & 0xff;
            int pMax = vsn[1] & 0xff;
            if (pMin == 0 || pMax == 0 || pMin > pMax) {
                log.warn(
                        "{}: ignoring an alive message for '{}' because protocol versions are wrong: {}",
                        m.name,
                        a.node(),
                        Arrays.toString(vsn));
                return;
            }
        }
        if (a.addr() == null || (a.addr().length != 4 && a.addr().length != 16)) {
            m.countDrop("packet", "bad_address");
            return;
        }
        if (m.config.getAlive() != null) {
            if (vsn == null || vsn.length < 6) {
                log.warn("{}: ignoring alive message for '{}' because Vsn is not present", m.name, a.node());
                return;
            }
            // inline, as Go calls it under its node lock: it decides whether the message counts
            try {
                m.config
                        .getAlive()
                        .notifyAlive(new Node(
                                a.node(), a.addr(), a.port(), a.meta(), NodeState.ALIVE, a.incarnation(), vsn));
            } catch (RuntimeException e) {
                log.warn("{}: ignoring alive message for '{}': {}", m.name, a.node(), e.getMessage());
                return;
            } catch (Throwable e) {
                m.delegates.failed(e, "alive");
                return;
            }
        }

        NodeRecord state = nodeMap.get(a.node());
        boolean updatesNode = false;
        if (state == null) {
            if (!m.config.ipAllowed(a.addr())) {
                log.warn("{}: rejected node {}: address not in cidrsAllowed", m.name, a.node());
                return;
            }
            // created dead, so that becoming alive below fires a join. A name read from the wire
            // is interned already (Names): every node in a JVM (a simulation, a peer of many
            // nodes) that knows this member holds the same string, and the queued messages about
            // it use it too; interning it again here was a lookup in the JVM's string table a member
            state = NodeRecord.discovered(a.node(), a.addr(), a.port(), a.meta(), vsn);
            // a random position keeps the failure-detection bound low on average
            int n = nodes.size();
            int offset = n == 0 ? 0 : m.random.nextInt(n);
            nodes.add(state.name);
            nodes.set(n, nodes.get(offset));
            nodes.set(offset, state.name);
            numNodes = nodes.size();
            // in the table from now on, even if the incarnation check below drops the message
            publish(null, state, 0);
        } else if (!NodeRecord.sameAddress(state.addr, state.port, a.addr(), a.port())) {
            if (!m.config.ipAllowed(a.addr())) {
                log.warn("{}: rejected address update of node {}: not in cidrsAllowed", m.name, a.node());
                return;
            }
            long reclaim = m.config.getDeadNodeReclaimTime().toNanos();
            boolean canReclaim = reclaim > 0 && m.strand.nanoTime() - stateChange(state.name) > reclaim;
            if (state.state == NodeState.LEFT || (state.state == NodeState.DEAD && canReclaim)) {
                log.info("{}: updating address for left or failed node {}", m.name, state.name);
                updatesNode = true;
            } else {
                log.error(
                        "{}: conflicting address for {}. Mine: {} Theirs: {} Old state: {}",
                        m.name,
                        state.name,
                        NodeRecord.socketAddress(state.addr, state.port),
                        NodeRecord.socketAddress(a.addr(), a.port()),
                        state.state);
                if (m.config.getConflict() != null) {
                    Node other =
                            new Node(a.node(), a.addr(), a.port(), a.meta(), NodeState.ALIVE, a.incarnation(), vsn);
                    Node existing = view(state.name);
                    m.delegates.event(() -> m.config.getConflict().notifyConflict(existing, other), "conflict");
                }
                return;
            }
        }

        if (a.incarnation() <= state.incarnation && !isLocalNode && !updatesNode) {
            return;
        }
        if (a.incarnation() < state.incarnation && isLocalNode) {
            return;
        }
        cancelSuspicion(a.node());

        NodeState oldState = state.state;
        byte[] oldMeta = state.meta;

        if (!bootstrap && isLocalNode) {
            // same incarnation after a restart may still carry other values: refute unless identical
            if (a.incarnation() == state.incarnation
                    && bytesEqual(a.meta(), state.meta)
                    && bytesEqual(vsn, state.vsn)) {
                return;
            }
            state = refute(state, a.incarnation());
            log.warn("{}: refuting an alive message for '{}'", m.name, a.node());
        } else {
            byte[] newVsn = vsn != null && vsn.length >= 6 ? NodeRecord.sharedVsn(vsn) : state.vsn;
            NodeRecord old = state;
            state = NodeRecord.alive(state.name, a.incarnation(), a.addr(), a.port(), a.meta(), newVsn);
            if (notify == null && vsn != null && vsn.length == 6) {
                // the record says what the message says, byte for byte: gossip the record's shared one
                m.gossip.queueBroadcast(state.aliveBroadcast());
            } else {
                m.gossip.queueBroadcast(state.name, MessageCodec.encode(a), notify);
            }
            // the time of change moves only when the state does (Go sets StateChange only then)
            long stateChange = old.state == NodeState.ALIVE ? stateChange(old.name) : m.strand.nanoTime();
            publish(old, state, stateChange);
        }
        m.metrics.incrCounter("memberlist.msg.alive", 1);

        if (m.config.getEvents() != null) {
            Node view = state.view();
            if (oldState.deadOrLeft()) {
                m.delegates.event(() -> m.config.getEvents().notifyJoin(view), "join");
            } else if (!bytesEqual(oldMeta, state.meta)) {
                m.delegates.event(() -> m.config.getEvents().notifyUpdate(view), "update");
            }
        }
    }

    /** Go's bytes.Equal: nil and empty are equal. */
    static boolean bytesEqual(byte[] a, byte[] b) {
        if (a == null || a.length == 0) {
            return b == null || b.length == 0;
        }
        return Arrays.equals(a, b);
    }

    void suspectNode(Suspect s) {
        NodeRecord state = nodeMap.get(s.node());
        if (state == null || s.incarnation() < state.incarnation) {
            return;
        }
        // a running timer takes confirmations; new information is gossiped on
        Suspicion timer = nodeTimers.get(s.node());
        if (timer != null) {
            if (timer.confirm(s.from())) {
                m.gossip.queueBroadcast(state.name, MessageCodec.encode(s), null);
            }
            return;
        }
        if (state.state != NodeState.ALIVE) {
            return;
        }
        if (state.name.equals(m.name)) {
            refute(state, s.incarnation());
            log.warn("{}: refuting a suspect message (from: {})", m.name, s.from());
            return;
        }
        m.gossip.queueBroadcast(state.name, MessageCodec.encode(s), null);
        m.metrics.incrCounter("memberlist.msg.suspect", 1);

        publish(state, state.withState(s.incarnation(), NodeState.SUSPECT), m.strand.nanoTime());
        // as the table keeps it: the timeout compares the two
        long changeTime = stateChange(state.name);

        // k confirmations expected; none when the cluster is too small to provide them
        int k = m.config.getSuspicionMult() - 2;
        int n = estNumNodes();
        if (n - 2 < k) {
            k = 0;
        }
        long min = ProtocolMath.suspicionTimeout(
                m.config.getSuspicionMult(), n, m.config.getProbeInterval().toNanos());
        long max = m.config.getSuspicionMaxTimeoutMult() * min;
        int expected = k;
        String nodeName = s.node();
        nodeTimers.put(
                nodeName,
                new Suspicion(
                        s.from(),
                        k,
                        min,
                        max,
                        confirmations -> suspicionTimeout(nodeName, changeTime, expected, confirmations),
                        m.strand));
    }

    private void suspicionTimeout(String nodeName, long changeTime, int k, int confirmations) {
        NodeRecord state = nodeMap.get(nodeName);
        if (state == null || state.state != NodeState.SUSPECT || stateChange(nodeName) != changeTime) {
            return;
        }
        nodeTimers.remove(nodeName);
        if (k > 0 && confirmations < k) {
            m.metrics.incrCounter("memberlist.degraded.timeout", 1);
        }
        Long claimed = claimedLeaves.remove(nodeName);
        if (claimed != null) {
            // someone said it left and it never answered that: it did leave
            log.info("{}: marking {} as left, suspect timeout reached after a claimed leave", m.name, nodeName);
            deadNode(new Dead(state.incarnation, nodeName, nodeName));
            return;
        }
        log.info(
                "{}: marking {} as failed, suspect timeout reached ({} peer confirmations)",
                m.name,
                nodeName,
                confirmations);
        deadNode(new Dead(state.incarnation, nodeName, m.name));
    }

    private void cancelSuspicion(String nodeName) {
        claimedLeaves.remove(nodeName);
        Suspicion s = nodeTimers.remove(nodeName);
        if (s != null) {
            s.cancel();
        }
    }

    /** A dead message we raised or otherwise trust (our own leave, a suspicion run out). Strand. */
    void deadNode(Dead d) {
        deadNode(d, true);
    }

    /**
     * Go's deadNode, except for a leave we cannot verify. In Go a {@code dead} message whose
     * {@code From} is its {@code Node} is a graceful leave, and anyone who can send a packet can
     * forge one: the member drops out of every member list, does not refute it (it refutes only
     * what reaches it about itself, and nothing is gossiped to a left member), and its name may
     * be taken over by any address at once. So a leave counts as a leave only when
     * {@code fromSubject}: it came from the member itself (the packet's source is the member's
     * advertised address, or a push-pull we dialled to that address), or the keyring
     * authenticated it, or we raised it.
     *
     * <p>Leaves are relayed by gossip, so most members hear "B left" from C, not from B; C's
     * word cannot be told from a forger's. An unverified leave is therefore a death claim that B
     * can refute: we suspect B (Go's own answer to second-hand death, as in its mergeState) and
     * gossip the message on unchanged, so that B hears it and refutes (it refutes a dead message
     * about itself unless it is leaving) and other members apply the same rule. Nothing is
     * removed while B may be alive. If B really left it does not refute (its own record is
     * Left); we ask B directly ({@link #askClaimedLeaver}) and take the leave once B, shut down
     * after its leave, stops answering, or at the latest when the suspicion runs out. Either way
     * B is marked left, not dead: the cluster still sees a graceful leave, a little later on
     * members that did not hear B itself.
     * A leave that does come from B while we suspect it is taken at once. Go nodes' leaves come
     * from their bound address, which is their advertised one on a plain network, so Java nodes
     * see a Go node's leave as a leave too.
     *
     * @param fromSubject whether a leave, if this is one, is known to come from its member
     */
    void deadNode(Dead d, boolean fromSubject) {
        NodeRecord state = nodeMap.get(d.node());
        if (state == null || d.incarnation() < state.incarnation) {
            return;
        }
        if (!fromSubject && d.node().equals(d.from()) && !state.deadOrLeft() && !state.name.equals(m.name)) {
            claimedLeave(state, d);
            return;
        }
        cancelSuspicion(d.node());
        if (state.deadOrLeft()) {
            return;
        }
        if (state.name.equals(m.name)) {
            if (!m.hasLeft()) {
                refute(state, d.incarnation());
                log.warn("{}: refuting a dead message (from: {})", m.name, d.from());
                return;
            }
            m.gossip.queueBroadcast(state.name, MessageCodec.encode(d), m::leaveBroadcastFinished);
        } else {
            m.gossip.queueBroadcast(state.name, MessageCodec.encode(d), null);
        }
        m.metrics.incrCounter("memberlist.msg.dead", 1);

        NodeRecord old = state;
        state = state.withState(d.incarnation(), d.node().equals(d.from()) ? NodeState.LEFT : NodeState.DEAD);
        publish(old, state, m.strand.nanoTime());

        if (m.config.getEvents() != null) {
            Node view = state.view();
            m.delegates.event(() -> m.config.getEvents().notifyLeave(view), "leave");
        }
    }

    /**
     * Whether we hold the named member at this address (its advertised address and port): a
     * packet from there, or a stream we dialled there, speaks for it. Strand.
     */
    boolean isAt(String name, InetSocketAddress a) {
        if (a == null || a.getAddress() == null) {
            return false;
        }
        NodeRecord r = nodeMap.get(name);
        return r != null
                && NodeRecord.sameAddress(r.addr, r.port, a.getAddress().getAddress(), a.getPort());
    }

    /** An unverified leave: suspect the member, remember the claim, pass the message on. Strand. */
    private void claimedLeave(NodeRecord state, Dead d) {
        m.metrics.incrCounter("memberlist.msg.dead.unverified", 1);
        log.debug("{}: a leave claimed for {} not from itself; suspecting it", m.name, state.name);
        if (state.state == NodeState.ALIVE) {
            suspectNode(new Suspect(d.incarnation(), state.name, m.name));
        }
        if (!nodeTimers.containsKey(state.name)) {
            return; // a Suspect record without a timer (only tests write those): nothing to pend
        }
        Long known = claimedLeaves.get(state.name);
        if (known != null && known >= d.incarnation()) {
            return; // heard already: do not gossip it again
        }
        claimedLeaves.put(state.name, d.incarnation());
        // under the member's name: it replaces the suspect message just queued, and a refutation replaces it
        m.gossip.queueBroadcast(state.name, MessageCodec.encode(d), null);
        askClaimedLeaver(state, d.incarnation());
    }

    /**
     * Asks the member a leave is claimed for whether it is there, at once: a UDP ping, then, if
     * that goes unanswered, a TCP ping, as a probe's fallback does. A member that left has
     * usually shut down right after its leave was sent (that is what {@code Leave} waits for),
     * so neither is answered and the claim is taken as the leave it was within a probe timeout,
     * not after a whole suspicion; a live member answers (and refutes the claim gossiped to it).
     * Both must fail, so one lost datagram does not turn a forged claim into a leave; a member
     * both unreachable and accused is one a failure detector would declare dead anyway. Strand.
     */
    private void askClaimedLeaver(NodeRecord state, long claimed) {
        Address addr = state.fullAddress();
        if (addr == null || m.isShutdown()) {
            return;
        }
        String name = state.name;
        boolean tcp = !m.config.isDisableTcpPings()
                && (m.config.getDisableTcpPingsForNode() == null
                        || !m.config.getDisableTcpPingsForNode().test(name))
                && state.pMax() >= 3;
        m.probe
                .ping(name, addr.socketAddress())
                .handle((rtt, err) -> err == null)
                .thenCompose(answered -> answered || !tcp
                        ? CompletableFuture.completedFuture(answered)
                        : m.streams
                                .sendPingAndWaitForAck(
                                        addr,
                                        m.newPing(m.nextSeqNo(), name),
                                        m.strand.nanoTime()
                                                + m.config.getProbeTimeout().toNanos())
                                .exceptionally(e -> false))
                .thenAccept(answered -> m.strand.execute(() -> claimedLeaverAnswered(name, claimed, answered)));
    }

    /**
     * What the member a leave was claimed for answered. Silent: it left. There: ask again a probe
     * interval later, while the claim stands, since a member that left answers until it shuts
     * down, which it does once its leave has been sent ({@code Leave} waits for that); a live
     * member ends the asking by refuting. At most one suspicion's worth of pings. Strand.
     */
    private void claimedLeaverAnswered(String name, long claimed, boolean answered) {
        Long pending = claimedLeaves.get(name);
        NodeRecord state = nodeMap.get(name);
        if (m.isShutdown() || pending == null || pending != claimed || state == null || state.deadOrLeft()) {
            return; // refuted, or settled otherwise, meanwhile
        }
        if (answered) {
            long interval = Math.max(
                    m.config.getProbeInterval().toNanos(),
                    m.config.getProbeTimeout().toNanos());
            m.strand.schedule(
                    () -> {
                        NodeRecord now = nodeMap.get(name);
                        Long still = claimedLeaves.get(name);
                        if (now != null && still != null && still == claimed && !m.isShutdown()) {
                            askClaimedLeaver(now, claimed);
                        }
                    },
                    interval,
                    TimeUnit.NANOSECONDS);
            return;
        }
        log.info("{}: marking {} as left: its leave was claimed and it does not answer", m.name, name);
        deadNode(new Dead(state.incarnation, name, name));
    }

    /**
     * Gossips that we are alive, with an incarnation above the accusation. Keyed by our name
     * (Go keys it by address, so a refutation does not replace queued messages about us).
     *
     * @return our new record
     */
    NodeRecord refute(NodeRecord me, long accusedInc) {
        long inc = m.nextIncarnation();
        if (accusedInc >= inc) {
            inc = m.skipIncarnation(accusedInc - inc + 1);
        }
        NodeRecord refuted = me.withState(inc, me.state);
        publish(me, refuted, stateChange(me.name));
        m.awareness.applyDelta(1);
        Alive a = new Alive(inc, me.name, me.addr, me.port, me.meta, me.vsn.clone());
        m.gossip.queueBroadcast(me.name, MessageCodec.encode(a), null);
        return refuted;
    }

    /**
     * Go's mergeState: a remote dead only makes us suspect; left is taken as left. Unlike Go, a
     * remote suspicion of a node we already suspect is not taken as our own confirmation: it is
     * hearsay (most often the very rumour that made us suspect), and Lifeguard shortens the
     * timeout only for independent accusers. In Go one push-pull can thus "confirm" a slow
     * member's lone accusation twice and declare a healthy node dead at the minimum timeout.
     */
    void mergeState(List<PushNodeState> remote) {
        mergeState(remote, false, null);
    }

    /**
     * {@link #mergeState(List)} for a state from a known source: a Left entry is a verified leave
     * (see {@link #deadNode(Dead, boolean)}) when the stream was authenticated by the keyring, or
     * when it is the entry of the member at the address we dialled.
     *
     * @param authenticated whether the keyring authenticated the stream
     * @param dialled the address we dialled for this state, or null for a stream a peer opened
     */
    void mergeState(List<PushNodeState> remote, boolean authenticated, InetSocketAddress dialled) {
        for (PushNodeState r : remote) {
            long code = r.state();
            if (code < NodeState.ALIVE.code() || code > NodeState.LEFT.code()) {
                continue; // a state we do not know: Go's switch ignores it too
            }
            switch (NodeState.fromCode(code)) {
                case ALIVE -> aliveNode(
                        new Alive(r.incarnation(), r.name(), r.addr(), r.port(), r.meta(), r.vsn()), null, false);
                case LEFT -> deadNode(
                        new Dead(r.incarnation(), r.name(), r.name()), authenticated || isAt(r.name(), dialled));
                case DEAD, SUSPECT -> {
                    if (!nodeTimers.containsKey(r.name())) {
                        suspectNode(new Suspect(r.incarnation(), r.name(), m.name));
                    }
                }
            }
        }
    }

    /** Go's own signature, every remote state given: GoStateTest's port of Go's test calls it. */
    String verifyProtocol(List<PushNodeState> remote) {
        return verifyProtocol(remote, null);
    }

    /**
     * Go's verifyProtocol: every node, local and remote, must speak versions inside the range
     * all alive nodes understand. The alive states a push-pull's reader left out as ones we had
     * ({@link SkippedStates}) count as Go counts every remote node; when one of them is out of
     * range, it is named after the nodes of {@code remote} that are, where Go names the first in
     * the stream's order.
     *
     * @param skipped the states left out, or null
     * @return null when compatible, else the reason
     */
    String verifyProtocol(List<PushNodeState> remote, SkippedStates skipped) {
        int maxpmin = 0, minpmax = 255, maxdmin = 0, mindmax = 255;
        if (skipped != null) {
            maxpmin = skipped.maxPMin();
            minpmax = skipped.minPMax();
            maxdmin = skipped.maxDMin();
            mindmax = skipped.minDMax();
        }
        for (PushNodeState rn : remote) {
            byte[] v = rn.vsn();
            if (NodeState.fromCode(rn.state()) != NodeState.ALIVE || v == null || v.length < 6) {
                continue;
            }
            maxpmin = Math.max(maxpmin, v[0] & 0xff);
            minpmax = Math.min(minpmax, v[1] & 0xff);
            maxdmin = Math.max(maxdmin, v[3] & 0xff);
            mindmax = Math.min(mindmax, v[4] & 0xff);
        }
        // the table's records in its order: a scan, where a lookup by name a member (twice) was
        // two cache misses each, thousands of them in a long task of every push-pull
        List<NodeRecord> local = nodeMap.values();
        for (NodeRecord n : local) {
            if (n.state != NodeState.ALIVE) {
                continue;
            }
            maxpmin = Math.max(maxpmin, n.pMin());
            minpmax = Math.min(minpmax, n.pMax());
            maxdmin = Math.max(maxdmin, n.dMin());
            mindmax = Math.min(mindmax, n.dMax());
        }
        for (PushNodeState rn : remote) {
            byte[] v = rn.vsn();
            int pCur = v != null && v.length >= 6 ? v[2] & 0xff : 0;
            int dCur = v != null && v.length >= 6 ? v[5] & 0xff : 0;
            String err = checkVersions(rn.name(), pCur, dCur, maxpmin, minpmax, maxdmin, mindmax);
            if (err != null) {
                return err;
            }
        }
        SkippedStates.Outlier out = skipped == null ? null : skipped.outside(maxpmin, minpmax, maxdmin, mindmax);
        if (out != null) {
            return out.delegate()
                    ? checkVersions(out.node(), maxpmin, out.version(), maxpmin, minpmax, maxdmin, mindmax)
                    : checkVersions(out.node(), out.version(), maxdmin, maxpmin, minpmax, maxdmin, mindmax);
        }
        for (NodeRecord n : local) {
            String err = checkVersions(n.name, n.pCur(), n.dCur(), maxpmin, minpmax, maxdmin, mindmax);
            if (err != null) {
                return err;
            }
        }
        return null;
    }

    private static String checkVersions(
            String name, int pCur, int dCur, int maxpmin, int minpmax, int maxdmin, int mindmax) {
        if (pCur < maxpmin || pCur > minpmax) {
            return "Node '" + name + "' protocol version (" + pCur + ") is incompatible: [" + maxpmin + ", " + minpmax
                    + "]";
        }
        if (dCur < maxdmin || dCur > mindmax) {
            return "Node '" + name + "' delegate protocol version (" + dCur + ") is incompatible: [" + maxdmin + ", "
                    + mindmax + "]";
        }
        return null;
    }

    /**
     * Every node's record, self included, for a push-pull (Go's sendLocalState): records are
     * immutable, so the stream side encodes them ({@link NodeRecord#pushState}) from this
     * snapshot, and the strand only copies references. In Go's order, the node list's, which is
     * random: a joiner queues an alive message about each member in the order it merges them, and
     * in the table's order (a scan, cheaper than a lookup a member) every joiner gossiped the
     * same members first: 3,000 simulated nodes converged 11 s later, with 11% more packets.
     */
    List<NodeRecord> localRecords() {
        List<NodeRecord> out = new ArrayList<>(nodes.size());
        for (String name : nodes) {
            out.add(nodeMap.get(name));
        }
        return out;
    }

    /** Cancels every suspicion timer, at shutdown. */
    void cancelAllTimers() {
        nodeTimers.values().forEach(Suspicion::cancel);
        nodeTimers.clear();
        claimedLeaves.clear();
    }
}
