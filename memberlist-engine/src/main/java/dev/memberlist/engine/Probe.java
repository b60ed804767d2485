package dev.memberlist.engine;

import dev.memberlist.engine.scheduler.Cancellable;
import dev.memberlist.engine.wire.AckResp;
import dev.memberlist.engine.wire.Compound;
import dev.memberlist.engine.wire.IndirectPingReq;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.NackResp;
import dev.memberlist.engine.wire.Ping;
import dev.memberlist.engine.wire.Suspect;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failure detection (the probe half of Go's state.go and the ping handlers of net.go): each
 * probe interval, ping the next node in the shuffled list; on no ack within the probe
 * timeout, ask k others to ping it and try TCP; on nothing by the end of the (health-scaled)
 * probe interval, suspect it. Lifeguard's awareness is fed by the outcome and the nacks.
 *
 * <p>Two sides, as in Go. The probe loop runs on the strand, written as callbacks where Go blocks
 * a goroutine. Answering pings and indirect pings, and completing ack and nack handlers, happen
 * on the I/O thread that decoded them, as Go's packet listener does: they read only the name,
 * the advertise address, the counters and the {@code PingDelegate}'s payload, and an ack that
 * arrives while the strand is busy is recorded at once, so a slow strand never turns a live
 * node into a suspect.
 */
final class Probe {
    private final NodeContext m;
    /** By sequence number; added and removed from any thread, the remover owns the handler. */
    private final Map<Long, AckHandler> ackHandlers = new ConcurrentHashMap<>();
    /** The probe in flight. Strand only. */
    private ProbeRound current;
    /**
     * A tick came while a probe was in flight. Go's ticker channel holds one tick, so the next
     * probe starts as soon as a long one ends; further ticks are dropped. Strand only.
     */
    private boolean tickPending;

    Probe(NodeContext m) {
        this.m = m;
    }

    /** Handlers for the ack and nacks of one sequence number. */
    private static final class AckHandler {
        final AckFn ackFn;
        final Runnable nackFn;
        volatile Cancellable timer = Cancellable.DONE;

        AckHandler(AckFn ackFn, Runnable nackFn) {
            this.ackFn = ackFn;
            this.nackFn = nackFn;
        }
    }

    /** Called on the thread that decoded the ack: must not block, and hands protocol work to the strand. */
    @FunctionalInterface
    private interface AckFn {
        void onAck(byte[] payload, long timestamp);
    }

    /**
     * Registers handlers, dropped after {@code timeoutNanos}; then {@code onExpire} runs on the
     * strand when {@code onStrand}, else on the I/O side's timer. Any thread.
     */
    private void setAckHandler(
            long seqNo, AckFn ackFn, Runnable nackFn, long timeoutNanos, Runnable onExpire, boolean onStrand) {
        AckHandler ah = new AckHandler(ackFn, nackFn);
        ackHandlers.put(seqNo, ah);
        Runnable expire = () -> {
            if (ackHandlers.remove(seqNo, ah) && onExpire != null) {
                onExpire.run();
            }
        };
        ah.timer = onStrand
                ? m.strand.schedule(expire, timeoutNanos, TimeUnit.NANOSECONDS)
                : m.scheduleIo(expire, timeoutNanos);
    }

    /** An ack arrived: whoever removes the handler owns it. I/O thread. */
    void handleAck(AckResp ack, long timestamp) {
        AckHandler ah = ackHandlers.remove(ack.seqNo());
        if (ah == null) {
            return;
        }
        ah.timer.cancel();
        ah.ackFn.onAck(ack.payload(), timestamp);
    }

    /** A nack arrived. I/O thread. */
    void handleNack(NackResp nack) {
        AckHandler ah = ackHandlers.get(nack.seqNo());
        if (ah != null && ah.nackFn != null) {
            ah.nackFn.run();
        }
    }

    // ---- the probe loop --------------------------------------------------------------------

    /** One tick of the probe ticker (Go's probe()). */
    void probe() {
        if (m.isShutdown()) {
            return;
        }
        if (current != null) {
            // a round ends by the end of its scaled interval plus the TCP deadline; past that it is lost
            long limit = current.probeInterval + m.config.getTcpTimeout().toNanos();
            if (m.strand.nanoTime() - current.start <= limit) {
                tickPending = true;
                return;
            }
            m.log.warn("{}: abandoning a probe of {} that never completed", m.name, current.targetName);
            current.finish(0);
        }
        Membership ms = m.membership;
        int numCheck = 0;
        while (true) {
            if (numCheck >= ms.nodes.size()) {
                return;
            }
            if (ms.probeIndex >= ms.nodes.size()) {
                ms.resetNodes();
                ms.probeIndex = 0;
                numCheck++;
                continue;
            }
            NodeRecord node = ms.nodeAt(ms.probeIndex);
            ms.probeIndex++;
            if (node.name.equals(m.name) || node.deadOrLeft()) {
                numCheck++;
                continue;
            }
            probeNode(node);
            return;
        }
    }

    /** Probes one node (Go's probeNode). */
    void probeNode(NodeRecord node) {
        ProbeRound round = new ProbeRound(node);
        current = round;
        round.guard(round::start);
    }

    /** Go's probeNode, unrolled into events on the strand; the ack is recorded where it is decoded. */
    private final class ProbeRound {
        final NodeRecord target;
        final String targetName;
        final NodeState targetState;
        final long targetIncarnation;
        final Address addr;
        final long start = m.strand.nanoTime();
        long probeInterval;
        long sent;
        long seqNo;
        boolean done;
        boolean expired;
        int expectedNacks;
        /** Counted on I/O threads. */
        final AtomicInteger nacks = new AtomicInteger();
        /** Set on the I/O thread when the ack arrives, before the strand hears of it. */
        volatile boolean acked;
        /** Null until the TCP fallback reports: true when it reached the node. */
        Boolean fallback;

        boolean fallbackStarted;
        Cancellable directTimeout = Cancellable.DONE;

        ProbeRound(NodeRecord target) {
            this.target = target;
            this.targetName = target.name;
            this.targetState = target.state;
            this.targetIncarnation = target.incarnation;
            this.addr = target.fullAddress();
        }

        /** A round that throws must still end, or probing would stop for good. */
        void guard(Runnable step) {
            try {
                step.run();
            } catch (RuntimeException e) {
                m.log.error("{}: probe of {} failed", m.name, targetName, e);
                if (!done) {
                    finish(0);
                }
            }
        }

        void start() {
            // health scales the whole probe period, so a struggling node slows down
            probeInterval = m.awareness.scaleTimeout(m.config.getProbeInterval().toNanos());
            if (probeInterval > m.config.getProbeInterval().toNanos()) {
                m.metrics.incrCounter("memberlist.degraded.probe", 1);
            }
            if (addr == null) {
                finish(0);
                return;
            }
            seqNo = m.nextSeqNo();
            Ping ping = m.newPing(seqNo, targetName);
            setAckHandler(
                    seqNo,
                    (payload, ts) -> {
                        // I/O thread: record it now, so nothing the strand is busy with can turn it into a miss
                        acked = true;
                        m.strand.execute(() -> guard(() -> onAck(payload, ts)));
                    },
                    nacks::incrementAndGet,
                    probeInterval,
                    () -> guard(this::onExpire),
                    true);
            sent = m.strand.nanoTime();
            CompletableFuture<Void> sendResult;
            if (targetState == NodeState.ALIVE) {
                sendResult = m.packets.encodeAndSendMsg(addr, ping, true);
            } else {
                // the buddy system: tell a suspect it is suspected, so it can refute at once
                byte[] compound = Compound.makeCompoundMessage(List.of(
                        MessageCodec.encode(ping),
                        MessageCodec.encode(new Suspect(targetIncarnation, targetName, m.name))));
                sendResult = m.packets.rawSendMsgPacket(addr, target, compound);
            }
            // Go (v0.3.0+) treats a failed write as a failed probe: indirect probes at once
            sendResult.whenComplete((v, e) -> {
                if (e != null) {
                    m.strand.execute(() -> guard(() -> {
                        if (!done && !fallbackStarted && !acked) {
                            directTimeout.cancel();
                            onDirectTimeout();
                        }
                    }));
                }
            });
            directTimeout = m.strand.schedule(
                    () -> guard(this::onDirectTimeout),
                    m.config.getProbeTimeout().toNanos(),
                    TimeUnit.NANOSECONDS);
        }

        void onAck(byte[] payload, long timestamp) {
            if (done) {
                return;
            }
            directTimeout.cancel();
            if (!fallbackStarted && m.config.getPing() != null) {
                // a direct ack: report the round trip, off the protocol's path
                Node view = m.membership.view(targetName);
                Duration rtt = Duration.ofNanos(Math.max(0, timestamp - sent));
                if (view != null) {
                    m.delegates.event(() -> m.config.getPing().notifyPingComplete(view, rtt, payload), "ping");
                }
            }
            finish(-1);
        }

        /** No direct ack in time: indirect probes and a TCP ping (Go's HANDLE_REMOTE_FAILURE). */
        void onDirectTimeout() {
            if (done || acked) {
                return; // the ack came; its task is on the way
            }
            fallbackStarted = true;
            List<NodeRecord> kNodes = m.membership.kRandomNodes(
                    m.config.getIndirectChecks(),
                    n -> n.name.equals(m.name) || n.name.equals(targetName) || n.state != NodeState.ALIVE);
            for (NodeRecord peer : kNodes) {
                boolean nack = peer.pMax() >= 4;
                if (nack) {
                    expectedNacks++;
                }
                Address peerAddr = peer.fullAddress();
                if (peerAddr == null) {
                    continue;
                }
                m.packets.encodeAndSendMsg(peerAddr, m.newIndirectPing(seqNo, target, nack), true);
            }
            boolean disableTcp = m.config.isDisableTcpPings()
                    || (m.config.getDisableTcpPingsForNode() != null
                            && m.config.getDisableTcpPingsForNode().test(targetName));
            if (!disableTcp && target.pMax() >= 3) {
                long deadline = sent + probeInterval;
                Ping ping = m.newPing(seqNo, targetName);
                m.streams
                        .sendPingAndWaitForAck(addr, ping, deadline)
                        .whenComplete((ok, err) -> m.strand.execute(
                                () -> guard(() -> onFallback(err == null && Boolean.TRUE.equals(ok)))));
            } else {
                fallback = false;
            }
        }

        void onFallback(boolean didContact) {
            fallback = didContact;
            if (expired && !done) {
                decide();
            }
        }

        /** The ack handler expired at the end of the probe interval. */
        void onExpire() {
            if (done || acked) {
                return;
            }
            expired = true;
            if (fallbackStarted && fallback == null) {
                // Go waits for the TCP attempt, whose deadline is this same moment
                return;
            }
            decide();
        }

        void decide() {
            if (acked) {
                return; // an ack raced the expiry; its task finishes the round
            }
            if (Boolean.TRUE.equals(fallback)) {
                m.log.warn(
                        "{}: was able to connect to {} over TCP but UDP probes failed, network may be misconfigured",
                        m.name,
                        targetName);
                finish(-1);
                return;
            }
            int delta = expectedNacks > 0 ? Math.max(0, expectedNacks - nacks.get()) : 1;
            finish(delta);
            m.log.info("{}: suspect {} has failed, no acks received", m.name, targetName);
            m.membership.suspectNode(new Suspect(targetIncarnation, targetName, m.name));
        }

        void finish(int awarenessDelta) {
            done = true;
            directTimeout.cancel();
            AckHandler ah = ackHandlers.get(seqNo);
            if (ah != null && ackHandlers.remove(seqNo, ah)) {
                ah.timer.cancel();
            }
            m.awareness.applyDelta(awarenessDelta);
            m.metrics.recordNanos("memberlist.probeNode", m.strand.nanoTime() - start);
            if (current == this) {
                current = null;
                if (tickPending) {
                    tickPending = false;
                    m.strand.execute(Probe.this::probe);
                }
            }
        }
    }

    // ---- answering pings: I/O threads ---------------------------------------------------------

    /**
     * The ack for a ping, UDP or TCP alike, or null when it is not for us (Go's handlePing and
     * the stream ping of handleConn check the same). Any thread: reads only the name and the
     * {@code PingDelegate}, which Go calls on its packet listener too.
     *
     * @param withPayload whether to ask the ping delegate for a payload (Go sends none over TCP)
     */
    AckResp ackFor(Ping p, Object from, boolean withPayload) {
        if (!p.node().isEmpty() && !p.node().equals(m.name)) {
            m.log.warn("{}: got ping for unexpected node '{}' from {}", m.name, p.node(), from);
            return null;
        }
        byte[] payload = null;
        if (withPayload && m.config.getPing() != null) {
            try {
                payload = m.config.getPing().ackPayload();
            } catch (Throwable e) {
                m.delegates.failed(e, "ack_payload");
            }
        }
        return new AckResp(p.seqNo(), payload);
    }

    /** Go's handlePing: ack to the given source address, or to the sender. I/O thread. */
    void handlePing(Ping p, InetSocketAddress from) {
        AckResp ack = ackFor(p, from, true);
        if (ack == null) {
            return;
        }
        Address to = replyAddress(p.sourceAddr(), p.sourcePort(), p.sourceNode(), from);
        if (to != null) {
            m.packets.encodeAndSendMsg(to, ack, false);
        }
    }

    /** Go's handleIndirectPing: ping the target for a peer and relay the ack, or a nack. I/O thread. */
    void handleIndirectPing(IndirectPingReq ind, InetSocketAddress from) {
        int port = ind.port();
        if (m.config.getProtocolVersion() < 2 || port == 0) {
            port = m.config.getBindPort();
        }
        InetSocketAddress target = NodeRecord.socketAddress(ind.target(), port);
        Address requester = replyAddress(ind.sourceAddr(), ind.sourcePort(), ind.sourceNode(), from);
        if (target == null || requester == null) {
            m.countDrop("packet", "bad_address");
            return;
        }
        long localSeqNo = m.nextSeqNo();
        AtomicBoolean acked = new AtomicBoolean();
        setAckHandler(
                localSeqNo,
                (payload, ts) -> {
                    acked.set(true);
                    m.packets.encodeAndSendMsg(requester, new AckResp(ind.seqNo(), null), false);
                },
                null,
                m.config.getProbeTimeout().toNanos(),
                null,
                false);
        m.packets.encodeAndSendMsg(new Address(target, ind.node()), m.newPing(localSeqNo, ind.node()), false);
        if (ind.nack()) {
            m.scheduleIo(
                    () -> {
                        if (!acked.get() && !m.isShutdown()) {
                            m.packets.encodeAndSendMsg(requester, new NackResp(ind.seqNo()), false);
                        }
                    },
                    m.config.getProbeTimeout().toNanos());
        }
    }

    private static Address replyAddress(byte[] sourceAddr, int sourcePort, String sourceNode, InetSocketAddress from) {
        if (sourceAddr != null && sourceAddr.length > 0 && sourcePort > 0) {
            InetSocketAddress sa = NodeRecord.socketAddress(sourceAddr, sourcePort);
            return sa == null ? null : new Address(sa, sourceNode);
        }
        return from == null ? null : new Address(from, sourceNode);
    }

    // ---- the public Ping API ---------------------------------------------------------------

    /**
     * Go's Memberlist.Ping: one UDP ping, the RTT or a failure after the probe timeout. As in Go,
     * the handler itself is dropped after the probe interval; with probing off (interval zero),
     * after the probe timeout, where Go's is gone at once. Any thread.
     */
    CompletableFuture<Duration> ping(String node, InetSocketAddress addr) {
        CompletableFuture<Duration> result = new CompletableFuture<>();
        long seqNo = m.nextSeqNo();
        long sent = m.strand.nanoTime();
        setAckHandler(
                seqNo,
                (payload, ts) -> result.complete(Duration.ofNanos(Math.max(0, ts - sent))),
                null,
                m.config.getProbeInterval().isZero()
                        ? m.config.getProbeTimeout().toNanos()
                        : m.config.getProbeInterval().toNanos(),
                null,
                false);
        m.packets.encodeAndSendMsg(new Address(addr, node), m.newPing(seqNo, node), false);
        m.scheduleIo(
                () -> result.completeExceptionally(new NoPingResponseException(node)),
                m.config.getProbeTimeout().toNanos());
        return result;
    }

    /** Drops every handler, at shutdown. Strand. */
    void clear() {
        ackHandlers.values().forEach(ah -> ah.timer.cancel());
        ackHandlers.clear();
        current = null;
        tickPending = false;
    }
}
