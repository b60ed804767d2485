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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Failure detection (the probe half of Go's state.go and the ping handlers of net.go): each
 * probe interval, ping the next node in the shuffled list; on no ack within the probe
 * timeout, ask k others to ping it and try TCP; on nothing by the end of the (health-scaled)
 * probe interval, suspect it. Lifeguard's awareness is fed by the outcome and the nacks.
 * Written as callbacks on the protocol thread where Go blocks a goroutine.
 */
final class Probe {
    private final Memberlist m;
    private final Map<Long, AckHandler> ackHandlers = new HashMap<>();
    /** The probe in flight. */
    private ProbeRound current;
    /**
     * A tick came while a probe was in flight. Go's ticker channel holds one tick, so the next
     * probe starts as soon as a long one ends; further ticks are dropped.
     */
    private boolean tickPending;

    Probe(Memberlist m) {
        this.m = m;
    }

    /** Handlers for the ack and nacks of one sequence number. */
    private static final class AckHandler {
        final AckFn ackFn;
        final Runnable nackFn;
        Cancellable timer;

        AckHandler(AckFn ackFn, Runnable nackFn) {
            this.ackFn = ackFn;
            this.nackFn = nackFn;
        }
    }

    @FunctionalInterface
    private interface AckFn {
        void onAck(byte[] payload, long timestamp);
    }

    /** Registers handlers that are dropped after {@code timeoutNanos}, then calls {@code onExpire}. */
    private void setAckHandler(long seqNo, AckFn ackFn, Runnable nackFn, long timeoutNanos, Runnable onExpire) {
        AckHandler ah = new AckHandler(ackFn, nackFn);
        ackHandlers.put(seqNo, ah);
        ah.timer = m.scheduler.schedule(
                () -> {
                    if (ackHandlers.get(seqNo) == ah) {
                        ackHandlers.remove(seqNo);
                        if (onExpire != null) {
                            onExpire.run();
                        }
                    }
                },
                timeoutNanos,
                TimeUnit.NANOSECONDS);
    }

    void handleAck(AckResp ack, long timestamp) {
        AckHandler ah = ackHandlers.remove(ack.seqNo());
        if (ah == null) {
            return;
        }
        ah.timer.cancel();
        ah.ackFn.onAck(ack.payload(), timestamp);
    }

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
            if (m.scheduler.nanoTime() - current.start <= limit) {
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
            NodeRecord node = ms.nodes.get(ms.probeIndex);
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

    /** Go's probeNode, unrolled into events on the protocol thread. */
    private final class ProbeRound {
        final NodeRecord target;
        final String targetName;
        final NodeState targetState;
        final long targetIncarnation;
        final Address addr;
        final long start = m.scheduler.nanoTime();
        long probeInterval;
        long sent;
        long seqNo;
        boolean done;
        boolean expired;
        int expectedNacks;
        int nacks;
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
                    (payload, ts) -> guard(() -> onAck(payload, ts)),
                    () -> nacks++,
                    probeInterval,
                    () -> guard(this::onExpire));
            sent = m.scheduler.nanoTime();
            CompletableFuture<Void> sendResult;
            if (targetState == NodeState.ALIVE) {
                sendResult = m.packets.encodeAndSendMsg(addr, ping);
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
                    m.scheduler.execute(() -> guard(() -> {
                        if (!done && !fallbackStarted) {
                            directTimeout.cancel();
                            onDirectTimeout();
                        }
                    }));
                }
            });
            directTimeout = m.scheduler.schedule(
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
                // a direct ack: report the round trip
                Node view = m.membership.view(targetName);
                Duration rtt = Duration.ofNanos(Math.max(0, timestamp - sent));
                if (view != null) {
                    m.callDelegate(() -> m.config.getPing().notifyPingComplete(view, rtt, payload));
                }
            }
            finish(-1);
        }

        /** No direct ack in time: indirect probes and a TCP ping (Go's HANDLE_REMOTE_FAILURE). */
        void onDirectTimeout() {
            if (done) {
                return;
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
                m.packets.encodeAndSendMsg(peerAddr, m.newIndirectPing(seqNo, target, nack));
            }
            boolean disableTcp = m.config.isDisableTcpPings()
                    || (m.config.getDisableTcpPingsForNode() != null
                            && m.config.getDisableTcpPingsForNode().test(targetName));
            if (!disableTcp && target.pMax() >= 3) {
                long deadline = sent + probeInterval;
                Ping ping = m.newPing(seqNo, targetName);
                m.streams
                        .sendPingAndWaitForAck(addr, ping, deadline)
                        .whenComplete((ok, err) -> m.scheduler.execute(
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
            if (done) {
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
            if (Boolean.TRUE.equals(fallback)) {
                m.log.warn(
                        "{}: was able to connect to {} over TCP but UDP probes failed, network may be misconfigured",
                        m.name,
                        targetName);
                finish(-1);
                return;
            }
            int delta = expectedNacks > 0 ? Math.max(0, expectedNacks - nacks) : 1;
            finish(delta);
            m.log.info("{}: suspect {} has failed, no acks received", m.name, targetName);
            m.membership.suspectNode(new Suspect(targetIncarnation, targetName, m.name));
        }

        void finish(int awarenessDelta) {
            done = true;
            directTimeout.cancel();
            AckHandler ah = ackHandlers.get(seqNo);
            if (ah != null) {
                ackHandlers.remove(seqNo);
                ah.timer.cancel();
            }
            m.awareness.applyDelta(awarenessDelta);
            m.metrics.recordNanos("memberlist.probeNode", m.scheduler.nanoTime() - start);
            if (current == this) {
                current = null;
                if (tickPending) {
                    tickPending = false;
                    m.scheduler.execute(Probe.this::probe);
                }
            }
        }
    }

    // ---- answering pings -------------------------------------------------------------------

    /** Go's handlePing: ack to the given source address, or to the sender. */
    void handlePing(Ping p, InetSocketAddress from) {
        if (!p.node().isEmpty() && !p.node().equals(m.name)) {
            m.log.warn("{}: got ping for unexpected node '{}' from {}", m.name, p.node(), from);
            return;
        }
        byte[] payload = null;
        if (m.config.getPing() != null) {
            try {
                payload = m.config.getPing().ackPayload();
            } catch (RuntimeException e) {
                m.log.warn("{}: ping delegate ackPayload failed", m.name, e);
            }
        }
        Address to = replyAddress(p.sourceAddr(), p.sourcePort(), p.sourceNode(), from);
        if (to != null) {
            m.packets.encodeAndSendMsg(to, new AckResp(p.seqNo(), payload));
        }
    }

    /** Go's handleIndirectPing: ping the target for a peer and relay the ack, or a nack. */
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
        boolean[] acked = {false};
        setAckHandler(
                localSeqNo,
                (payload, ts) -> {
                    acked[0] = true;
                    m.packets.encodeAndSendMsg(requester, new AckResp(ind.seqNo(), null));
                },
                null,
                m.config.getProbeTimeout().toNanos(),
                null);
        m.packets.encodeAndSendMsg(new Address(target, ind.node()), m.newPing(localSeqNo, ind.node()));
        if (ind.nack()) {
            m.scheduler.schedule(
                    () -> {
                        if (!acked[0]) {
                            m.packets.encodeAndSendMsg(requester, new NackResp(ind.seqNo()));
                        }
                    },
                    m.config.getProbeTimeout().toNanos(),
                    TimeUnit.NANOSECONDS);
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

    /** Go's Memberlist.Ping: one UDP ping, the RTT or a failure after the probe timeout. */
    CompletableFuture<Duration> ping(String node, InetSocketAddress addr) {
        CompletableFuture<Duration> result = new CompletableFuture<>();
        long seqNo = m.nextSeqNo();
        long[] sent = new long[1];
        setAckHandler(
                seqNo,
                (payload, ts) -> result.complete(Duration.ofNanos(Math.max(0, ts - sent[0]))),
                null,
                m.config.getProbeInterval().toNanos(),
                null);
        sent[0] = m.scheduler.nanoTime();
        m.packets.encodeAndSendMsg(new Address(addr, node), m.newPing(seqNo, node));
        m.scheduler.schedule(
                () -> {
                    if (!result.isDone()) {
                        ackHandlers.remove(seqNo);
                        result.completeExceptionally(new NoPingResponseException(node));
                    }
                },
                m.config.getProbeTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
        return result;
    }

    /** Drops every handler, at shutdown. */
    void clear() {
        ackHandlers.values().forEach(ah -> ah.timer.cancel());
        ackHandlers.clear();
        current = null;
        tickPending = false;
    }
}
