package dev.memberlist.engine;

import static dev.memberlist.engine.GoHarness.ackHandlerExists;
import static dev.memberlist.engine.GoHarness.aliveOf;
import static dev.memberlist.engine.GoHarness.bogus;
import static dev.memberlist.engine.GoHarness.numQueued;
import static dev.memberlist.engine.GoHarness.probing;
import static dev.memberlist.engine.GoHarness.queuedTypes;
import static dev.memberlist.engine.GoHarness.record;
import static dev.memberlist.engine.GoHarness.sequenceNum;
import static dev.memberlist.engine.GoHarness.setState;
import static dev.memberlist.engine.GoHarness.setStateChange;
import static dev.memberlist.engine.GoHarness.shiftStateChange;
import static dev.memberlist.engine.GoHarness.stateChange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.delegate.PingDelegate;
import dev.memberlist.engine.wire.AckResp;
import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.Dead;
import dev.memberlist.engine.wire.MessageType;
import dev.memberlist.engine.wire.NackResp;
import dev.memberlist.engine.wire.PushNodeState;
import dev.memberlist.engine.wire.Suspect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Go memberlist 0.2.2's state_test.go, ported test by test onto the engine's internals, on a
 * virtual clock and an in-memory network ({@link GoHarness}). Where Go sleeps and hopes, these
 * run the simulation for the same virtual time, so every outcome is exact and repeatable.
 *
 * <p>Go names its test nodes after their IPs; here nodes are {@code m1}, {@code m2}, ... on the
 * mock network, which routes by name, so a node announced but never started (Go's "bogus
 * address") silently drops every packet and refuses every stream.
 */
class GoStateTest {
    private static final byte[] LOCALHOST = {127, 0, 0, 1};

    private static Duration ms(long ms) {
        return Duration.ofMillis(ms);
    }

    private static byte[] vsn(Memberlist m) {
        return m.ctx.config.buildVsnArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Alive alive(String node, byte[] addr, int port, long inc, byte[] meta, byte[] vsn) {
        return new Alive(inc, node, addr, port, meta, vsn);
    }

    /** Probes a node and runs the simulation until the round is over, as Go's blocking probeNode. */
    private static long probeNode(GoHarness h, Memberlist m, String node) {
        long start = h.now();
        m.ctx.probe.probeNode(record(m, node));
        h.runUntil(() -> !probing(m), Duration.ofSeconds(30));
        return h.now() - start;
    }

    // ---- probes ---------------------------------------------------------------------------

    @Test
    @DisplayName("TestMemberList_Probe")
    void probe() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m1 = h.host("m1", c -> c.setProbeTimeout(ms(1)).setProbeInterval(ms(10)));
            Memberlist m2 = h.host("m2", null);
            m1.ctx.membership.aliveNode(aliveOf(m1, 1, vsn(m1)), null, true);
            m1.ctx.membership.aliveNode(aliveOf(m2, 1, vsn(m2)), null, false);

            // should ping m2
            m1.ctx.probe.probe();
            h.runUntil(() -> !probing(m1), ms(100));

            assertThat(record(m1, "m2").state).as("m2 not suspected").isEqualTo(NodeState.ALIVE);
            assertThat(sequenceNum(m1)).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("TestMemberList_ProbeNode_Suspect")
    void probeNodeSuspect() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m1 = h.host("m1", c -> c.setProbeTimeout(ms(1)).setProbeInterval(ms(10)));
            Memberlist m2 = h.host("m2", null);
            Memberlist m3 = h.host("m3", null);
            m1.ctx.membership.aliveNode(aliveOf(m1, 1, vsn(m1)), null, true);
            m1.ctx.membership.aliveNode(aliveOf(m2, 1, vsn(m2)), null, false);
            m1.ctx.membership.aliveNode(aliveOf(m3, 1, vsn(m3)), null, false);
            m1.ctx.membership.aliveNode(bogus("m4", 1, vsn(m1)), null, false);

            probeNode(h, m1, "m4");
            assertThat(record(m1, "m4").state).isEqualTo(NodeState.SUSPECT);
            h.runMillis(10);

            // one of the peers should have attempted an indirect probe
            assertThat(sequenceNum(m2) == 1 || sequenceNum(m3) == 1)
                    .as("seqnos %d, %d", sequenceNum(m2), sequenceNum(m3))
                    .isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("TestMemberList_ProbeNode_Suspect_Dogpile")
    @CsvSource(
            delimiter = ';',
            value = {
                "n=2, k=3 (max timeout disabled); 1; 0; 500",
                "n=3, k=3; 2; 0; 500",
                "n=4, k=3; 3; 0; 500",
                "n=5, k=3 (max timeout starts to take effect); 4; 0; 1000",
                "n=6, k=3; 5; 0; 1000",
                "n=6, k=3 (confirmations start to lower timeout); 5; 1; 750",
                "n=6, k=3; 5; 2; 604",
                "n=6, k=3 (timeout driven to nominal value); 5; 3; 500",
                "n=6, k=3; 5; 4; 500"
            })
    void probeNodeSuspectDogpile(String name, int numPeers, int confirmations, long expectedMs) {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.host("m", c -> c.setProbeTimeout(ms(1))
                    .setProbeInterval(ms(100))
                    .setSuspicionMult(5)
                    .setSuspicionMaxTimeoutMult(2));
            m.ctx.membership.aliveNode(aliveOf(m, 1, vsn(m)), null, true);

            // all but one peer are real, alive instances
            for (int j = 0; j < numPeers - 1; j++) {
                Memberlist peer = h.host("peer-" + j, null);
                m.ctx.membership.aliveNode(aliveOf(peer, 1, vsn(m)), null, false);
            }
            // the last one does not answer, though we hold it alive
            m.ctx.membership.aliveNode(bogus("bad", 1, vsn(m)), null, false);

            // a probe starts the suspicion
            m.ctx.probe.probeNode(record(m, "bad"));
            h.runUntil(() -> record(m, "bad").state == NodeState.SUSPECT, Duration.ofSeconds(1));
            long suspectedAt = h.now();

            for (int j = 0; j < confirmations; j++) {
                m.ctx.membership.suspectNode(new Suspect(1, "bad", "peer" + j));
            }

            // right before the timeout the timer has not fired; right after, it has
            Duration fudge = ms(25);
            h.run(ms(expectedMs).minus(fudge));
            assertThat(record(m, "bad").state).as("still suspect").isEqualTo(NodeState.SUSPECT);
            h.runUntil(() -> record(m, "bad").state == NodeState.DEAD, fudge.multipliedBy(2));

            // on a virtual clock the timeout is exact: Go's values are rounded to the millisecond
            assertThat(Duration.ofNanos(h.now() - suspectedAt).toMillis()).isBetween(expectedMs - 1, expectedMs);
        }
    }

    /** Go's m1..m4 of the TCP fallback tests: m4 is alive but cut off from UDP. */
    private static Memberlist[] fallbackCluster(GoHarness h, byte[] m4Vsn) {
        Memberlist m1 = h.host("m1", c -> c.setProbeTimeout(ms(10)).setProbeInterval(ms(200)));
        Memberlist m2 = h.host("m2", null);
        Memberlist m3 = h.host("m3", null);
        Memberlist m4 = h.host("m4", null);
        // Go announces m1..m3 without a version vector: they do not take nacks
        m1.ctx.membership.aliveNode(aliveOf(m1, 1, null), null, true);
        m1.ctx.membership.aliveNode(aliveOf(m2, 1, null), null, false);
        m1.ctx.membership.aliveNode(aliveOf(m3, 1, null), null, false);
        m1.ctx.membership.aliveNode(aliveOf(m4, 1, m4Vsn), null, false);
        // isolate m4 from UDP traffic
        h.firewall("m4").blockPackets = true;
        return new Memberlist[] {m1, m2, m3, m4};
    }

    private static byte[] sameProtocolAs(Memberlist m1) {
        return new byte[] {
            (byte) Config.PROTOCOL_VERSION_MIN,
            (byte) Config.PROTOCOL_VERSION_MAX,
            (byte) m1.ctx.config.getProtocolVersion(),
            (byte) m1.ctx.config.getDelegateProtocolMin(),
            (byte) m1.ctx.config.getDelegateProtocolMax(),
            (byte) m1.ctx.config.getDelegateProtocolVersion()
        };
    }

    /** Go comments this test out (it reaches into NetTransport's listeners); the behaviour is ported. */
    @Test
    @DisplayName("TestMemberList_ProbeNode_FallbackTCP")
    void probeNodeFallbackTcp() {
        try (GoHarness h = new GoHarness()) {
            Memberlist[] ms = fallbackCluster(h, null);
            Memberlist m1 = ms[0];
            m1.ctx.membership.aliveNode(aliveOf(ms[3], 2, sameProtocolAs(m1)), null, false);
            long probeTimeMax = ms(200 + 20).toNanos();

            long probeTime = probeNode(h, m1, "m4");

            // alive because of the TCP fallback ping, in a timely manner
            assertThat(record(m1, "m4").state).isEqualTo(NodeState.ALIVE);
            assertThat(probeTime).isLessThanOrEqualTo(probeTimeMax);
            h.run(Duration.ofNanos(probeTimeMax));
            assertThat(sequenceNum(ms[1]) == 1 || sequenceNum(ms[2]) == 1)
                    .as("an indirect probe, seqnos %d, %d", sequenceNum(ms[1]), sequenceNum(ms[2]))
                    .isTrue();

            // now cut TCP too: the fallback must fail, without making us wait longer
            h.firewall("m4").blockStreams = true;
            probeTime = probeNode(h, m1, "m4");

            assertThat(record(m1, "m4").state).isEqualTo(NodeState.SUSPECT);
            assertThat(probeTime).isLessThanOrEqualTo(probeTimeMax);
            h.run(Duration.ofNanos(probeTimeMax));
            assertThat(sequenceNum(ms[1]) == 2 || sequenceNum(ms[2]) == 2)
                    .as("an indirect probe, seqnos %d, %d", sequenceNum(ms[1]), sequenceNum(ms[2]))
                    .isTrue();
        }
    }

    @Test
    @DisplayName("TestMemberList_ProbeNode_FallbackTCP_Disabled")
    void probeNodeFallbackTcpDisabled() {
        try (GoHarness h = new GoHarness()) {
            Memberlist[] ms = fallbackCluster(h, null);
            Memberlist m1 = ms[0];
            m1.ctx.membership.aliveNode(aliveOf(ms[3], 2, sameProtocolAs(m1)), null, false);
            m1.ctx.config.setDisableTcpPings(true);

            long probeTime = probeNode(h, m1, "m4");

            assertThat(record(m1, "m4").state).isEqualTo(NodeState.SUSPECT);
            assertThat(probeTime).isLessThanOrEqualTo(ms(220).toNanos());
            h.runMillis(220);
            assertThat(sequenceNum(ms[1]) == 1 || sequenceNum(ms[2]) == 1).isTrue();
            assertThat(h.firewall("m4").streams.get()).as("no TCP ping").isZero();
        }
    }

    @Test
    @DisplayName("TestMemberList_ProbeNode_FallbackTCP_OldProtocol")
    void probeNodeFallbackTcpOldProtocol() {
        try (GoHarness h = new GoHarness()) {
            Memberlist[] ms = fallbackCluster(h, null);
            Memberlist m1 = ms[0];
            // m4 does not understand a protocol version with TCP pings
            byte[] old = sameProtocolAs(m1);
            old[1] = (byte) Config.PROTOCOL_VERSION_2_COMPATIBLE;
            old[2] = (byte) Config.PROTOCOL_VERSION_2_COMPATIBLE;
            m1.ctx.membership.aliveNode(aliveOf(ms[3], 2, old), null, false);

            long probeTime = probeNode(h, m1, "m4");

            assertThat(record(m1, "m4").state).isEqualTo(NodeState.SUSPECT);
            assertThat(probeTime).isLessThanOrEqualTo(ms(220).toNanos());
            h.runMillis(220);
            assertThat(sequenceNum(ms[1]) == 1 || sequenceNum(ms[2]) == 1).isTrue();
            assertThat(h.firewall("m4").streams.get()).as("no TCP ping").isZero();
        }
    }

    @Test
    @DisplayName("TestMemberList_ProbeNode_Awareness_Degraded")
    void probeNodeAwarenessDegraded() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m1 = h.host("m1", c -> c.setProbeTimeout(ms(10)).setProbeInterval(ms(200)));
            Memberlist m2 = h.host("m2", c -> c.setProbeTimeout(ms(10)).setProbeInterval(ms(200)));
            Memberlist m3 = h.host("m3", c -> c.setProbeTimeout(ms(10)).setProbeInterval(ms(200)));
            long probeTimeMin = ms(2 * 200 - 50).toNanos();
            m1.ctx.membership.aliveNode(aliveOf(m1, 1, vsn(m1)), null, true);
            m1.ctx.membership.aliveNode(aliveOf(m2, 1, vsn(m2)), null, false);
            m1.ctx.membership.aliveNode(aliveOf(m3, 1, vsn(m3)), null, false);
            // node 4 never gets started
            byte[] vsn4 = {
                (byte) Config.PROTOCOL_VERSION_MIN,
                (byte) Config.PROTOCOL_VERSION_MAX,
                (byte) Config.PROTOCOL_VERSION_MIN,
                1,
                1,
                1
            };
            m1.ctx.membership.aliveNode(bogus("m4", 1, vsn4), null, false);

            // start the health in a degraded state
            m1.ctx.awareness.applyDelta(1);
            assertThat(m1.getHealthScore()).isEqualTo(1);

            long probeTime = probeNode(h, m1, "m4");

            assertThat(record(m1, "m4").state).isEqualTo(NodeState.SUSPECT);
            // the slowed-down failure detector: the probe interval is scaled by the score
            assertThat(probeTime).isGreaterThanOrEqualTo(probeTimeMin);
            assertThat(sequenceNum(m2) == 1 || sequenceNum(m3) == 1).isTrue();
            // we got all the nacks, so the score stays as it was: no successful probe either
            assertThat(m1.getHealthScore()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("TestMemberList_ProbeNode_Wrong_VSN")
    void probeNodeWrongVsn() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m1 = h.host("m1", c -> c.setProbeTimeout(ms(10)).setProbeInterval(ms(200)));
            Memberlist m2 = h.host("m2", c -> c.setProbeTimeout(ms(10)).setProbeInterval(ms(200)));
            Memberlist m3 = h.host("m3", c -> c.setProbeTimeout(ms(10)).setProbeInterval(ms(200)));
            m1.ctx.membership.aliveNode(aliveOf(m1, 1, vsn(m1)), null, true);
            m1.ctx.membership.aliveNode(aliveOf(m2, 1, vsn(m2)), null, false);
            m1.ctx.membership.aliveNode(aliveOf(m3, 1, vsn(m3)), null, false);
            m1.ctx.membership.aliveNode(bogus("m4", 1, new byte[6]), null, false);

            m1.ctx.awareness.applyDelta(1);
            assertThat(m1.getHealthScore()).isEqualTo(1);

            assertThat(record(m1, "m4"))
                    .as("a node with a wrong version vector is not taken into account")
                    .isNull();
        }
    }

    @Test
    @DisplayName("TestMemberList_ProbeNode_Awareness_Improved")
    void probeNodeAwarenessImproved() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m1 = h.host("m1", c -> c.setProbeTimeout(ms(10)).setProbeInterval(ms(200)));
            Memberlist m2 = h.host("m2", null);
            m1.ctx.membership.aliveNode(aliveOf(m1, 1, vsn(m1)), null, true);
            m1.ctx.membership.aliveNode(aliveOf(m2, 1, vsn(m2)), null, false);

            m1.ctx.awareness.applyDelta(1);
            assertThat(m1.getHealthScore()).isEqualTo(1);

            probeNode(h, m1, "m2");

            assertThat(record(m1, "m2").state).isEqualTo(NodeState.ALIVE);
            // a good probe improves the score
            assertThat(m1.getHealthScore()).isZero();
        }
    }

    @Test
    @DisplayName("TestMemberList_ProbeNode_Awareness_MissedNack")
    void probeNodeAwarenessMissedNack() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m1 = h.host("m1", c -> c.setProbeTimeout(ms(10)).setProbeInterval(ms(200)));
            Memberlist m2 = h.host("m2", c -> c.setProbeTimeout(ms(10)).setProbeInterval(ms(200)));
            long probeTimeMax = ms(200 + 50).toNanos();
            m1.ctx.membership.aliveNode(aliveOf(m1, 1, vsn(m1)), null, true);
            m1.ctx.membership.aliveNode(aliveOf(m2, 1, vsn(m1)), null, false);
            // nodes 3 and 4 never get started
            m1.ctx.membership.aliveNode(bogus("m3", 1, vsn(m1)), null, false);
            m1.ctx.membership.aliveNode(bogus("m4", 1, vsn(m1)), null, false);

            assertThat(m1.getHealthScore()).isZero();

            long probeTime = probeNode(h, m1, "m4");

            assertThat(record(m1, "m4").state).isEqualTo(NodeState.SUSPECT);
            assertThat(probeTime).isLessThanOrEqualTo(probeTimeMax);
            // m2 nacked, m3 could not: dinged for the missed nack
            assertThat(m1.getHealthScore()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("TestMemberList_ProbeNode_Awareness_OldProtocol")
    void probeNodeAwarenessOldProtocol() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m1 = h.host("m1", c -> c.setProbeTimeout(ms(10)).setProbeInterval(ms(200)));
            Memberlist m2 = h.host("m2", null);
            Memberlist m3 = h.host("m3", null);
            long probeTimeMax = ms(200 + 20).toNanos();
            // no version vectors: the old protocol, without nacks
            m1.ctx.membership.aliveNode(aliveOf(m1, 1, null), null, true);
            m1.ctx.membership.aliveNode(aliveOf(m2, 1, null), null, false);
            m1.ctx.membership.aliveNode(aliveOf(m3, 1, null), null, false);
            m1.ctx.membership.aliveNode(bogus("m4", 1, null), null, false);

            assertThat(m1.getHealthScore()).isZero();

            long probeTime = probeNode(h, m1, "m4");

            assertThat(record(m1, "m4").state).isEqualTo(NodeState.SUSPECT);
            assertThat(probeTime).isLessThanOrEqualTo(probeTimeMax);
            h.run(Duration.ofNanos(probeTimeMax));
            assertThat(sequenceNum(m2) == 1 || sequenceNum(m3) == 1).isTrue();
            // with the old protocol, a failed probe costs one point
            assertThat(m1.getHealthScore()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("TestMemberList_ProbeNode_Buddy")
    void probeNodeBuddy() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m1 = h.host("m1", c -> c.setProbeTimeout(ms(1)).setProbeInterval(ms(10)));
            Memberlist m2 = h.host("m2", null);
            Alive a1 = aliveOf(m1, 1, vsn(m1));
            Alive a2 = aliveOf(m2, 1, vsn(m2));
            m1.ctx.membership.aliveNode(a1, null, true);
            m1.ctx.membership.aliveNode(a2, null, false);
            m2.ctx.membership.aliveNode(a2, null, true);

            // force the state to suspect so a suspect message rides along with the ping; m2
            // refutes it, and the ping succeeds
            setState(m1, "m2", NodeState.SUSPECT);
            probeNode(h, m1, "m2");

            assertThat(sequenceNum(m1)).as("a ping was sent").isEqualTo(1);
            assertThat(numQueued(m2)).isEqualTo(1);
            assertThat(queuedTypes(m2).get(0)).isEqualTo(MessageType.ALIVE);
        }
    }

    @Test
    @DisplayName("TestMemberList_ProbeNode")
    void probeNode() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m1 = h.host("m1", c -> c.setProbeTimeout(ms(1)).setProbeInterval(ms(10)));
            Memberlist m2 = h.host("m2", null);
            m1.ctx.membership.aliveNode(aliveOf(m1, 1, null), null, true);
            m1.ctx.membership.aliveNode(aliveOf(m2, 1, null), null, false);

            probeNode(h, m1, "m2");

            assertThat(record(m1, "m2").state).isEqualTo(NodeState.ALIVE);
            assertThat(sequenceNum(m1)).isEqualTo(1);
        }
    }

    /** Skipped in Go ("randomly failing"); exact on a virtual clock. */
    @Test
    @DisplayName("TestMemberList_Ping")
    void ping() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m1 = h.host(
                    "m1", c -> c.setProbeTimeout(Duration.ofSeconds(1)).setProbeInterval(Duration.ofSeconds(10)));
            Memberlist m2 = h.host("m2", null);
            m1.ctx.membership.aliveNode(aliveOf(m1, 1, null), null, true);
            m1.ctx.membership.aliveNode(aliveOf(m2, 1, null), null, false);

            // a legit ping
            CompletableFuture<Duration> rtt = m1.pingAsync("m2", m2.advertiseAddress());
            h.runUntil(rtt::isDone, Duration.ofSeconds(2));
            assertThat(rtt.join()).isPositive();

            // a bad node name: no answer, a NoPingResponseException after the probe timeout.
            // (The mock network routes by the name, so the packet is dropped on the way rather
            // than by m2; TestHandlePing_WrongNode covers m2's side.)
            CompletableFuture<Duration> bad = m1.pingAsync("bad", m2.advertiseAddress());
            h.runUntil(bad::isDone, Duration.ofSeconds(2));
            assertThat(bad)
                    .failsWithin(Duration.ZERO)
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(NoPingResponseException.class);
        }
    }

    @Test
    @DisplayName("TestMemberList_ResetNodes")
    void resetNodes() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", c -> c.setGossipToTheDeadTime(ms(100)));
            m.ctx.membership.aliveNode(alive("test1", new byte[] {127, 0, 0, 1}, 0, 1, null, vsn(m)), null, false);
            m.ctx.membership.aliveNode(alive("test2", new byte[] {127, 0, 0, 2}, 0, 1, null, vsn(m)), null, false);
            m.ctx.membership.aliveNode(alive("test3", new byte[] {127, 0, 0, 3}, 0, 1, null, vsn(m)), null, false);
            m.ctx.membership.deadNode(new Dead(1, "test2", ""));

            m.ctx.membership.resetNodes();
            assertThat(m.ctx.membership.nodes).hasSize(3);
            assertThat(m.ctx.membership.nodeMap.containsKey("test2"))
                    .as("test2 still mapped")
                    .isTrue();

            h.runMillis(200);
            m.ctx.membership.resetNodes();
            assertThat(m.ctx.membership.nodes).hasSize(2);
            assertThat(m.ctx.membership.nodeMap.containsKey("test2"))
                    .as("test2 unmapped")
                    .isFalse();
            assertThat(m.ctx.membership.estNumNodes()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("TestMemberList_NextSeq")
    void nextSeq() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            assertThat(m.ctx.nextSeqNo()).isEqualTo(1);
            assertThat(m.ctx.nextSeqNo()).isEqualTo(2);
        }
    }

    // ---- ack handlers: Go's tests call setProbeChannels/setAckHandler directly; ours are
    // registered by a probe round (ack and nack handlers) and by Ping (ack handler only) --------

    @Test
    @DisplayName("TestMemberList_setProbeChannels")
    void setProbeChannels() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.host("m", c -> c.setProbeInterval(ms(10)).setProbeTimeout(ms(5)));
            m.ctx.membership.aliveNode(bogus("gone", 1, vsn(m)), null, false);
            m.ctx.probe.probeNode(record(m, "gone"));
            long seq = sequenceNum(m);

            assertThat(ackHandlerExists(m, seq)).as("missing handler").isTrue();
            h.runMillis(20);
            assertThat(ackHandlerExists(m, seq)).as("non-reaped handler").isFalse();
        }
    }

    @Test
    @DisplayName("TestMemberList_setAckHandler")
    void setAckHandler() {
        try (GoHarness h = new GoHarness()) {
            // the handler lives for the probe interval, the Ping for the (longer) probe timeout
            Memberlist m = h.host("m", c -> c.setProbeInterval(ms(10)).setProbeTimeout(Duration.ofSeconds(1)));
            m.pingAsync("gone", m.advertiseAddress());
            long seq = sequenceNum(m);

            assertThat(ackHandlerExists(m, seq)).as("missing handler").isTrue();
            h.runMillis(20);
            assertThat(ackHandlerExists(m, seq)).as("non-reaped handler").isFalse();
        }
    }

    @Test
    @DisplayName("TestMemberList_invokeAckHandler")
    void invokeAckHandler() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.host("m", c -> c.setProbeInterval(ms(10)).setProbeTimeout(Duration.ofSeconds(1)));

            // does nothing
            m.ctx.probe.handleAck(new AckResp(0, null), h.now());

            CompletableFuture<Duration> b = m.pingAsync("gone", m.advertiseAddress());
            long seq = sequenceNum(m);
            m.ctx.probe.handleAck(new AckResp(seq, null), h.now());
            h.settle(); // the caller's future completes off the I/O path

            assertThat(b).as("handler invoked").isDone();
            assertThat(ackHandlerExists(m, seq)).as("non-reaped handler").isFalse();
        }
    }

    /** A ping delegate that records the last completed ping. */
    private static final class RecordingPing implements PingDelegate {
        Node other;
        byte[] payload;

        @Override
        public void notifyPingComplete(Node other, Duration rtt, byte[] payload) {
            this.other = other;
            this.payload = payload;
        }
    }

    @Test
    @DisplayName("TestMemberList_invokeAckHandler_Channel_Ack")
    void invokeAckHandlerChannelAck() {
        try (GoHarness h = new GoHarness()) {
            RecordingPing ping = new RecordingPing();
            Memberlist m = h.host(
                    "m", c -> c.setProbeInterval(ms(10)).setProbeTimeout(ms(5)).setPing(ping));
            m.ctx.membership.aliveNode(bogus("gone", 1, vsn(m)), null, false);
            byte[] payload = {0, 0, 0};

            // does nothing
            m.ctx.probe.handleAck(new AckResp(1, payload), h.now());

            m.ctx.probe.probeNode(record(m, "gone"));
            long seq = sequenceNum(m);
            m.ctx.probe.handleAck(new AckResp(seq, payload), h.now());
            // the ack is recorded where it is decoded; the strand then ends the round
            h.settle();

            // a complete ack: the probe round ended well, with the payload
            assertThat(probing(m)).isFalse();
            assertThat(ping.other.name()).isEqualTo("gone");
            assertThat(ping.payload).isEqualTo(payload);
            assertThat(ackHandlerExists(m, seq)).as("non-reaped handler").isFalse();
            h.runMillis(20);
            assertThat(record(m, "gone").state).isEqualTo(NodeState.ALIVE);
        }
    }

    @Test
    @DisplayName("TestMemberList_invokeAckHandler_Channel_Nack")
    void invokeAckHandlerChannelNack() {
        try (GoHarness h = new GoHarness()) {
            RecordingPing ping = new RecordingPing();
            Memberlist m = h.host(
                    "m", c -> c.setProbeInterval(ms(10)).setProbeTimeout(ms(5)).setPing(ping));
            m.ctx.membership.aliveNode(bogus("gone", 1, vsn(m)), null, false);

            // does nothing
            m.ctx.probe.handleNack(new NackResp(1));

            m.ctx.probe.probeNode(record(m, "gone"));
            long seq = sequenceNum(m);
            m.ctx.probe.handleNack(new NackResp(seq));

            // a nack doesn't reap the handler, so an ack may still come up to the reap time
            assertThat(probing(m)).isTrue();
            assertThat(ackHandlerExists(m, seq))
                    .as("handler should not be reaped")
                    .isTrue();

            byte[] payload = {0, 0, 0};
            m.ctx.probe.handleAck(new AckResp(seq, payload), h.now());
            h.settle();
            assertThat(probing(m)).isFalse();
            assertThat(ping.payload).isEqualTo(payload);
            assertThat(ackHandlerExists(m, seq)).as("non-reaped handler").isFalse();
        }
    }

    // ---- alive ----------------------------------------------------------------------------

    @Test
    @DisplayName("TestMemberList_AliveNode_NewNode")
    void aliveNodeNewNode() {
        try (GoHarness h = new GoHarness()) {
            EventLog ch = new EventLog(true);
            Memberlist m = h.unstarted("m", c -> c.setEvents(ch));

            m.ctx.membership.aliveNode(alive("test", LOCALHOST, 0, 1, null, vsn(m)), null, false);

            assertThat(m.ctx.membership.nodes).as("should add node").hasSize(1);
            NodeRecord state = record(m, "test");
            assertThat(state).as("should map node").isNotNull();
            assertThat(state.incarnation).isEqualTo(1);
            assertThat(state.state).isEqualTo(NodeState.ALIVE);
            assertThat(h.now() - stateChange(m, "test"))
                    .isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());

            // a join event
            h.settle(); // events reach the delegate through its queue, a task on the clock
            EventLog.Event e = ch.poll();
            assertThat(e).as("no join message").isNotNull();
            assertThat(e.kind()).isEqualTo(EventLog.Kind.JOIN);
            assertThat(e.node().name()).isEqualTo("test");

            // a broadcast is queued
            assertThat(numQueued(m)).isEqualTo(1);
        }
    }

    /**
     * Go's aliveNode inserts a new node (as dead) before it checks the incarnation, so an
     * alive message at incarnation 0 leaves a dead entry behind: counted by estNumNodes, sent
     * in push-pull, reaped after GossipToTheDeadTime. Ours keeps the same entry; it must show in
     * the node views as well.
     */
    @Test
    @DisplayName("TestMemberList_AliveNode_NewNode (incarnation 0)")
    void aliveNodeNewNodeIncarnationZero() {
        try (GoHarness h = new GoHarness()) {
            EventLog ch = new EventLog(true);
            Memberlist m = h.unstarted("m", c -> c.setEvents(ch));

            m.ctx.membership.aliveNode(alive("test", LOCALHOST, 0, 0, null, vsn(m)), null, false);

            assertThat(m.ctx.membership.nodes).hasSize(1);
            assertThat(record(m, "test").state).isEqualTo(NodeState.DEAD);
            assertThat(m.ctx.membership.estNumNodes()).isEqualTo(1);
            h.settle(); // events reach the delegate through its queue, a task on the clock
            assertThat(ch.poll()).as("no join").isNull();
            assertThat(numQueued(m)).isZero();
            assertThat(m.members()).isEmpty();
            assertThat(m.nodes())
                    .extracting(Node::name, Node::state)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("test", NodeState.DEAD));
            assertThat(m.stateCounts().get(NodeState.DEAD)).isEqualTo(1);
            assertThat(m.ctx.membership.localRecords()).extracting(r -> r.name).containsExactly("test");
        }
    }

    @Test
    @DisplayName("TestMemberList_AliveNode_SuspectNode")
    void aliveNodeSuspectNode() {
        try (GoHarness h = new GoHarness()) {
            EventLog ted = new EventLog(false);
            Memberlist m = h.unstarted("m", c -> c.setEvents(ted));
            Alive a = alive("test", LOCALHOST, 0, 1, null, vsn(m));
            m.ctx.membership.aliveNode(a, null, false);

            // listen only after the first join
            h.settle(); // the first join reaches the delegate before it listens
            ted.toggle(true);

            // make suspect
            setState(m, "test", NodeState.SUSPECT);
            shiftStateChange(m, "test", Duration.ofHours(-1));

            // old incarnation number: no change
            m.ctx.membership.aliveNode(a, null, false);
            assertThat(record(m, "test").state)
                    .as("update with old incarnation!")
                    .isEqualTo(NodeState.SUSPECT);

            // reset to alive now
            m.ctx.membership.aliveNode(alive("test", LOCALHOST, 0, 2, null, vsn(m)), null, false);
            assertThat(record(m, "test").state)
                    .as("no update with new incarnation!")
                    .isEqualTo(NodeState.ALIVE);
            assertThat(h.now() - stateChange(m, "test"))
                    .isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());

            h.settle(); // events reach the delegate through its queue, a task on the clock
            assertThat(ted.poll()).as("no join message").isNull();
            assertThat(numQueued(m)).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("TestMemberList_AliveNode_Idempotent")
    void aliveNodeIdempotent() {
        try (GoHarness h = new GoHarness()) {
            EventLog ted = new EventLog(false);
            Memberlist m = h.unstarted("m", c -> c.setEvents(ted));
            m.ctx.membership.aliveNode(alive("test", LOCALHOST, 0, 1, null, vsn(m)), null, false);

            h.settle(); // the first join reaches the delegate before it listens
            ted.toggle(true);

            long stateTime = stateChange(m, "test");
            h.runMillis(5);

            m.ctx.membership.aliveNode(alive("test", LOCALHOST, 0, 2, null, vsn(m)), null, false);
            assertThat(record(m, "test").state).as("non idempotent").isEqualTo(NodeState.ALIVE);
            assertThat(stateChange(m, "test")).as("should not change state").isEqualTo(stateTime);

            h.settle(); // events reach the delegate through its queue, a task on the clock
            assertThat(ted.poll()).as("no join message").isNull();
            assertThat(numQueued(m)).as("only one queued message").isEqualTo(1);
        }
    }

    /** Serf bug GH-58: metadata does not update. */
    @Test
    @DisplayName("TestMemberList_AliveNode_ChangeMeta")
    void aliveNodeChangeMeta() {
        try (GoHarness h = new GoHarness()) {
            EventLog ted = new EventLog(false);
            Memberlist m = h.unstarted("m", c -> c.setEvents(ted));
            m.ctx.membership.aliveNode(alive("test", LOCALHOST, 0, 1, bytes("val1"), vsn(m)), null, false);

            h.settle(); // the first join reaches the delegate before it listens
            ted.toggle(true);

            m.ctx.membership.aliveNode(alive("test", LOCALHOST, 0, 2, bytes("val2"), vsn(m)), null, false);

            NodeRecord state = record(m, "test");
            assertThat(state.meta).as("meta did not update").isEqualTo(bytes("val2"));

            h.settle(); // events reach the delegate through its queue, a task on the clock
            EventLog.Event e = ted.poll();
            assertThat(e).as("missing event!").isNotNull();
            assertThat(e.kind()).isEqualTo(EventLog.Kind.UPDATE);
            // Go hands out a pointer to its record (e.Node == &state.Node); ours is a snapshot of it
            assertThat(e.node()).isEqualTo(state.view());
            assertThat(e.node().meta()).isEqualTo(bytes("val2"));
        }
    }

    @Test
    @DisplayName("TestMemberList_AliveNode_Refute")
    void aliveNodeRefute() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            m.ctx.membership.aliveNode(alive("m", LOCALHOST, 0, 1, null, vsn(m)), null, true);

            m.ctx.gossip.broadcasts.reset();

            // conflicting alive
            m.ctx.membership.aliveNode(alive("m", LOCALHOST, 0, 2, bytes("foo"), vsn(m)), null, false);

            NodeRecord state = record(m, "m");
            assertThat(state.state).as("should still be alive").isEqualTo(NodeState.ALIVE);
            assertThat(state.meta).as("meta should still be nil").isNull();

            assertThat(numQueued(m)).as("only one queued message").isEqualTo(1);
            assertThat(queuedTypes(m).get(0)).as("queued alive msg").isEqualTo(MessageType.ALIVE);
            // the refutation outbids the accusation
            assertThat(state.incarnation).isGreaterThan(2);
        }
    }

    @Test
    @DisplayName("TestMemberList_AliveNode_Conflict")
    void aliveNodeConflict() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", c -> c.setDeadNodeReclaimTime(ms(10)));
            String nodeName = "test";
            m.ctx.membership.aliveNode(alive(nodeName, LOCALHOST, 8000, 1, null, vsn(m)), null, true);

            m.ctx.gossip.broadcasts.reset();

            // conflicting alive
            byte[] other = {127, 0, 0, 2};
            m.ctx.membership.aliveNode(alive(nodeName, other, 9000, 2, bytes("foo"), vsn(m)), null, false);

            NodeRecord state = record(m, nodeName);
            assertThat(state.state).as("should still be alive").isEqualTo(NodeState.ALIVE);
            assertThat(state.meta).as("meta should still be nil").isNull();
            assertThat(state.addr).as("address should not be updated").isNotEqualTo(other);
            assertThat(state.port).as("port should not be updated").isNotEqualTo(9000);
            assertThat(numQueued(m)).isZero();

            // change the node to dead
            m.ctx.membership.deadNode(new Dead(2, nodeName, ""));
            m.ctx.gossip.broadcasts.reset();
            assertThat(record(m, nodeName).state).as("should be dead").isEqualTo(NodeState.DEAD);

            // Go sleeps DeadNodeReclaimTime and then checks "now - StateChange > reclaim time",
            // which the sleep's overshoot satisfies; a virtual clock has no overshoot
            h.run(ms(10).plusNanos(1));

            // new alive node
            m.ctx.membership.aliveNode(alive(nodeName, other, 9000, 3, bytes("foo"), vsn(m)), null, false);

            state = record(m, nodeName);
            assertThat(state.state).as("should still be alive").isEqualTo(NodeState.ALIVE);
            assertThat(state.meta).as("meta should be updated").isEqualTo(bytes("foo"));
            assertThat(state.addr).as("address should be updated").isEqualTo(other);
            assertThat(state.port).as("port should be updated").isEqualTo(9000);
        }
    }

    // ---- suspect --------------------------------------------------------------------------

    @Test
    @DisplayName("TestMemberList_SuspectNode_NoNode")
    void suspectNodeNoNode() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            m.ctx.membership.suspectNode(new Suspect(1, "test", ""));
            assertThat(m.ctx.membership.nodes).as("don't expect nodes").isEmpty();
        }
    }

    @Test
    @DisplayName("TestMemberList_SuspectNode")
    void suspectNode() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", c -> c.setProbeInterval(ms(1)).setSuspicionMult(1));
            m.ctx.membership.aliveNode(alive("test", LOCALHOST, 0, 1, null, vsn(m)), null, false);
            shiftStateChange(m, "test", Duration.ofHours(-1));

            m.ctx.membership.suspectNode(new Suspect(1, "test", ""));

            assertThat(record(m, "test").state).isEqualTo(NodeState.SUSPECT);
            long change = stateChange(m, "test");
            assertThat(h.now() - change)
                    .isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());
            assertThat(numQueued(m)).as("only one queued message").isEqualTo(1);
            assertThat(queuedTypes(m).get(0)).as("queued suspect msg").isEqualTo(MessageType.SUSPECT);

            // wait for the timeout
            h.runMillis(10);

            assertThat(record(m, "test").state).isEqualTo(NodeState.DEAD);
            long newChange = stateChange(m, "test");
            assertThat(h.now() - newChange)
                    .isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());
            assertThat(newChange).as("should increment time").isGreaterThan(change);
            assertThat(numQueued(m)).as("only one queued message").isEqualTo(1);
            assertThat(queuedTypes(m).get(0)).as("queued dead msg").isEqualTo(MessageType.DEAD);
        }
    }

    @Test
    @DisplayName("TestMemberList_SuspectNode_DoubleSuspect")
    void suspectNodeDoubleSuspect() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            m.ctx.membership.aliveNode(alive("test", LOCALHOST, 0, 1, null, vsn(m)), null, false);
            shiftStateChange(m, "test", Duration.ofHours(-1));

            Suspect s = new Suspect(1, "test", "");
            m.ctx.membership.suspectNode(s);

            assertThat(record(m, "test").state).isEqualTo(NodeState.SUSPECT);
            long change = stateChange(m, "test");
            assertThat(h.now() - change)
                    .isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());

            m.ctx.gossip.broadcasts.reset();
            h.runMillis(5);

            // suspect again
            m.ctx.membership.suspectNode(s);

            assertThat(stateChange(m, "test")).as("unexpected state change").isEqualTo(change);
            assertThat(numQueued(m)).isZero();
        }
    }

    @Test
    @DisplayName("TestMemberList_SuspectNode_OldSuspect")
    void suspectNodeOldSuspect() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            m.ctx.membership.aliveNode(alive("test", LOCALHOST, 0, 10, null, vsn(m)), null, false);
            shiftStateChange(m, "test", Duration.ofHours(-1));

            m.ctx.gossip.broadcasts.reset();

            m.ctx.membership.suspectNode(new Suspect(1, "test", ""));

            assertThat(record(m, "test").state).isEqualTo(NodeState.ALIVE);
            assertThat(numQueued(m)).isZero();
        }
    }

    @Test
    @DisplayName("TestMemberList_SuspectNode_Refute")
    void suspectNodeRefute() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            m.ctx.membership.aliveNode(alive("m", LOCALHOST, 0, 1, null, vsn(m)), null, true);

            m.ctx.gossip.broadcasts.reset();
            assertThat(m.getHealthScore()).isZero();

            m.ctx.membership.suspectNode(new Suspect(1, "m", ""));

            assertThat(record(m, "m").state).as("should still be alive").isEqualTo(NodeState.ALIVE);
            assertThat(numQueued(m)).as("only one queued message").isEqualTo(1);
            assertThat(queuedTypes(m).get(0)).as("queued alive msg").isEqualTo(MessageType.ALIVE);
            // health should have been dinged
            assertThat(m.getHealthScore()).isEqualTo(1);
        }
    }

    /**
     * Intended difference: Go keys a refutation by our address, so it sits next to our older
     * alive message in the queue (unless the node name is its IP); ours keys it by name, so it
     * replaces it and only the newest incarnation is gossiped.
     */
    @Test
    @DisplayName("TestMemberList_SuspectNode_Refute (refutation keyed by name)")
    void refutationReplacesOlderAliveAboutUs() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            m.ctx.membership.aliveNode(alive("m", LOCALHOST, 0, 1, null, vsn(m)), null, true);
            assertThat(numQueued(m)).isEqualTo(1);

            m.ctx.membership.suspectNode(new Suspect(1, "m", "other"));

            assertThat(numQueued(m)).as("Go: 2").isEqualTo(1);
            byte[] msg = dev.memberlist.engine.broadcast.QueueView.messages(m.ctx.gossip.broadcasts, false)
                    .get(0);
            assertThat(decodeAlive(msg).incarnation()).isEqualTo(2);
        }
    }

    private static Alive decodeAlive(byte[] msg) {
        try {
            return dev.memberlist.engine.wire.MessageCodec.decode(Alive.class, msg, 1, msg.length - 1);
        } catch (dev.memberlist.engine.wire.DecodeException e) {
            throw new AssertionError(e);
        }
    }

    // ---- dead -----------------------------------------------------------------------------

    @Test
    @DisplayName("TestMemberList_DeadNode_NoNode")
    void deadNodeNoNode() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            m.ctx.membership.deadNode(new Dead(1, "test", ""));
            assertThat(m.ctx.membership.nodes).as("don't expect nodes").isEmpty();
        }
    }

    @Test
    @DisplayName("TestMemberList_DeadNodeLeft")
    void deadNodeLeft() {
        try (GoHarness h = new GoHarness()) {
            EventLog ch = new EventLog(true);
            Memberlist m = h.unstarted("m", c -> c.setEvents(ch));
            String nodeName = "node1";
            m.ctx.membership.aliveNode(alive(nodeName, LOCALHOST, 8000, 1, null, vsn(m)), null, false);

            // the join event
            h.settle(); // events reach the delegate through its queue, a task on the clock
            assertThat(ch.poll().kind()).isEqualTo(EventLog.Kind.JOIN);

            m.ctx.membership.deadNode(new Dead(1, nodeName, nodeName));

            // the leave event; unlike Go (whose Node.State is always StateAlive), it shows Left
            h.settle(); // events reach the delegate through its queue, a task on the clock
            EventLog.Event leave = ch.poll();
            assertThat(leave.kind()).isEqualTo(EventLog.Kind.LEAVE);
            assertThat(leave.node().state()).isEqualTo(NodeState.LEFT);

            assertThat(record(m, nodeName).state).isEqualTo(NodeState.LEFT);
            assertThat(numQueued(m)).as("only one queued message").isEqualTo(1);
            assertThat(queuedTypes(m).get(0)).as("queued dead msg").isEqualTo(MessageType.DEAD);

            // a new alive node reclaims the name of the left one at once
            byte[] other = {127, 0, 0, 2};
            m.ctx.membership.aliveNode(alive(nodeName, other, 9000, 3, bytes("foo"), vsn(m)), null, false);

            h.settle(); // events reach the delegate through its queue, a task on the clock
            assertThat(ch.poll().kind()).isEqualTo(EventLog.Kind.JOIN);
            NodeRecord state = record(m, nodeName);
            assertThat(state.state).as("should still be alive").isEqualTo(NodeState.ALIVE);
            assertThat(state.meta).as("meta should be updated").isEqualTo(bytes("foo"));
            assertThat(state.addr).as("address should be updated").isEqualTo(other);
            assertThat(state.port).as("port should be updated").isEqualTo(9000);
        }
    }

    @Test
    @DisplayName("TestMemberList_DeadNode")
    void deadNode() {
        try (GoHarness h = new GoHarness()) {
            EventLog ch = new EventLog(true);
            Memberlist m = h.unstarted("m", c -> c.setEvents(ch));
            m.ctx.membership.aliveNode(alive("test", LOCALHOST, 0, 1, null, vsn(m)), null, false);

            // the join event
            h.settle(); // events reach the delegate through its queue, a task on the clock
            assertThat(ch.poll().kind()).isEqualTo(EventLog.Kind.JOIN);

            shiftStateChange(m, "test", Duration.ofHours(-1));

            m.ctx.membership.deadNode(new Dead(1, "test", ""));

            assertThat(record(m, "test").state).isEqualTo(NodeState.DEAD);
            assertThat(h.now() - stateChange(m, "test"))
                    .isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());

            h.settle(); // events reach the delegate through its queue, a task on the clock
            EventLog.Event leave = ch.poll();
            assertThat(leave).as("no leave message").isNotNull();
            assertThat(leave.kind()).isEqualTo(EventLog.Kind.LEAVE);
            assertThat(leave.node().name()).isEqualTo("test");
            // Go's event node is always StateAlive; ours carries the real state
            assertThat(leave.node().state()).isEqualTo(NodeState.DEAD);

            assertThat(numQueued(m)).as("only one queued message").isEqualTo(1);
            assertThat(queuedTypes(m).get(0)).as("queued dead msg").isEqualTo(MessageType.DEAD);
        }
    }

    @Test
    @DisplayName("TestMemberList_DeadNode_Double")
    void deadNodeDouble() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            m.ctx.membership.aliveNode(alive("test", LOCALHOST, 0, 1, null, vsn(m)), null, false);
            shiftStateChange(m, "test", Duration.ofHours(-1));

            m.ctx.membership.deadNode(new Dead(1, "test", ""));

            m.ctx.gossip.broadcasts.reset();

            // notify after the first dead
            EventLog ch = new EventLog(true);
            m.ctx.config.setEvents(ch);

            // should do nothing
            m.ctx.membership.deadNode(new Dead(2, "test", ""));

            h.settle(); // events reach the delegate through its queue, a task on the clock
            assertThat(ch.poll()).as("should not get leave").isNull();
            assertThat(numQueued(m)).isZero();
        }
    }

    @Test
    @DisplayName("TestMemberList_DeadNode_OldDead")
    void deadNodeOldDead() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            m.ctx.membership.aliveNode(alive("test", LOCALHOST, 0, 10, null, vsn(m)), null, false);
            shiftStateChange(m, "test", Duration.ofHours(-1));

            m.ctx.membership.deadNode(new Dead(1, "test", ""));

            assertThat(record(m, "test").state).isEqualTo(NodeState.ALIVE);
        }
    }

    @Test
    @DisplayName("TestMemberList_DeadNode_AliveReplay")
    void deadNodeAliveReplay() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            Alive a = alive("test", LOCALHOST, 0, 10, null, vsn(m));
            m.ctx.membership.aliveNode(a, null, false);

            m.ctx.membership.deadNode(new Dead(10, "test", ""));

            // replay alive at the same incarnation
            m.ctx.membership.aliveNode(a, null, false);

            // should remain dead
            assertThat(record(m, "test").state).isEqualTo(NodeState.DEAD);
        }
    }

    @Test
    @DisplayName("TestMemberList_DeadNode_Refute")
    void deadNodeRefute() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            m.ctx.membership.aliveNode(alive("m", LOCALHOST, 0, 1, null, vsn(m)), null, true);

            m.ctx.gossip.broadcasts.reset();
            assertThat(m.getHealthScore()).isZero();

            m.ctx.membership.deadNode(new Dead(1, "m", ""));

            assertThat(record(m, "m").state).as("should still be alive").isEqualTo(NodeState.ALIVE);
            assertThat(numQueued(m)).as("only one queued message").isEqualTo(1);
            assertThat(queuedTypes(m).get(0)).as("queued alive msg").isEqualTo(MessageType.ALIVE);
            assertThat(m.getHealthScore()).as("dinged").isEqualTo(1);
        }
    }

    // ---- merge, gossip, push-pull ----------------------------------------------------------

    @Test
    @DisplayName("TestMemberList_MergeState")
    void mergeState() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            m.ctx.membership.aliveNode(alive("test1", new byte[] {127, 0, 0, 1}, 0, 1, null, vsn(m)), null, false);
            m.ctx.membership.aliveNode(alive("test2", new byte[] {127, 0, 0, 2}, 0, 1, null, vsn(m)), null, false);
            m.ctx.membership.aliveNode(alive("test3", new byte[] {127, 0, 0, 3}, 0, 1, null, vsn(m)), null, false);

            m.ctx.membership.suspectNode(new Suspect(1, "test1", ""));

            // Go's remote states carry no version vector
            List<PushNodeState> remote = List.of(
                    new PushNodeState("test1", new byte[] {127, 0, 0, 1}, 0, null, 2, NodeState.ALIVE.code(), null),
                    new PushNodeState("test2", new byte[] {127, 0, 0, 2}, 0, null, 1, NodeState.SUSPECT.code(), null),
                    new PushNodeState("test3", new byte[] {127, 0, 0, 3}, 0, null, 1, NodeState.DEAD.code(), null),
                    new PushNodeState("test4", new byte[] {127, 0, 0, 4}, 0, null, 2, NodeState.ALIVE.code(), null));

            // listen for changes
            EventLog eventCh = new EventLog(true);
            m.ctx.config.setEvents(eventCh);

            m.ctx.membership.mergeState(remote);

            assertThat(record(m, "test1").state).isEqualTo(NodeState.ALIVE);
            assertThat(record(m, "test1").incarnation).isEqualTo(2);
            assertThat(record(m, "test2").state).isEqualTo(NodeState.SUSPECT);
            assertThat(record(m, "test2").incarnation).isEqualTo(1);
            // a remote dead only makes us suspect
            assertThat(record(m, "test3").state).isEqualTo(NodeState.SUSPECT);
            assertThat(record(m, "test4").state).isEqualTo(NodeState.ALIVE);
            assertThat(record(m, "test4").incarnation).isEqualTo(2);

            h.settle(); // events reach the delegate through its queue, a task on the clock
            EventLog.Event e = eventCh.poll();
            assertThat(e).as("expect join").isNotNull();
            assertThat(e.kind()).isEqualTo(EventLog.Kind.JOIN);
            assertThat(e.node().name()).isEqualTo("test4");
            h.settle(); // events reach the delegate through its queue, a task on the clock
            assertThat(eventCh.poll()).as("unexpected event").isNull();
        }
    }

    private static List<String> joins(EventLog log) {
        List<String> out = new ArrayList<>();
        for (EventLog.Event e : log.pending()) {
            if (e.kind() == EventLog.Kind.JOIN) {
                out.add(e.node().name());
            }
        }
        return out;
    }

    /**
     * Go's m2 is never started, so it does not know itself and the gossiped alive about it is
     * a join (and a refutation); ours is started, and its own join is the one from its start.
     * Either way m2 reports three joins.
     */
    @Test
    @DisplayName("TestMemberlist_Gossip")
    void gossip() {
        try (GoHarness h = new GoHarness()) {
            EventLog ch = new EventLog(true);
            Memberlist m1 = h.host("m1", c -> c.setGossipInterval(ms(10)));
            Memberlist m2 = h.host("m2", c -> c.setEvents(ch).setGossipInterval(ms(10)));
            m1.ctx.membership.aliveNode(aliveOf(m1, 1, vsn(m1)), null, true);
            m1.ctx.membership.aliveNode(aliveOf(m2, 1, vsn(m2)), null, false);
            // Go's m3 is bound to the wrong address by mistake: a3 is never reachable
            m1.ctx.membership.aliveNode(bogus("m3", 1, vsn(m1)), null, false);

            // gossip should send all this to m2
            m1.ctx.gossip.gossip();
            h.runMillis(3);

            assertThat(joins(ch)).containsExactlyInAnyOrder("m2", "m1", "m3");
        }
    }

    @Test
    @DisplayName("TestMemberlist_GossipToDead")
    void gossipToDead() {
        try (GoHarness h = new GoHarness()) {
            EventLog ch = new EventLog(true);
            Memberlist m1 = h.host("m1", c -> c.setGossipInterval(ms(1)).setGossipToTheDeadTime(ms(100)));
            Memberlist m2 = h.host("m2", c -> c.setEvents(ch));
            m1.ctx.membership.aliveNode(aliveOf(m1, 1, vsn(m1)), null, true);
            m1.ctx.membership.aliveNode(aliveOf(m2, 1, vsn(m2)), null, false);
            assertThat(joins(ch)).as("m2's own join at start").containsExactly("m2");

            // nothing goes to m2 here: it has been dead for 2x the GossipToTheDeadTime
            setState(m1, "m2", NodeState.DEAD);
            setStateChange(m1, "m2", h.now() - ms(200).toNanos());
            m1.ctx.gossip.gossip();
            h.runMillis(50);
            assertThat(joins(ch)).as("shouldn't get gossip").containsExactly("m2");

            // m2 gets gossip: its state changed within GossipToTheDeadTime
            setStateChange(m1, "m2", h.now() - ms(20).toNanos());
            m1.ctx.gossip.gossip();
            h.runMillis(3);
            assertThat(joins(ch)).containsExactly("m2", "m1");
        }
    }

    @Test
    @DisplayName("TestMemberlist_PushPull")
    void pushPull() {
        try (GoHarness h = new GoHarness()) {
            EventLog ch = new EventLog(true);
            Memberlist m1 = h.host(
                    "m1", c -> c.setGossipInterval(Duration.ofSeconds(10)).setPushPullInterval(ms(1)));
            Memberlist m2 = h.host(
                    "m2", c -> c.setGossipInterval(Duration.ofSeconds(10)).setEvents(ch));
            m1.ctx.membership.aliveNode(aliveOf(m1, 1, vsn(m1)), null, true);
            m1.ctx.membership.aliveNode(aliveOf(m2, 1, vsn(m2)), null, false);

            m1.ctx.pushPull.pushPull();
            h.runMillis(3);

            // m2's own join (from its start; Go's comes from the push-pull) and m1's
            assertThat(joins(ch)).containsExactly("m2", "m1");
            assertThat(m2.node("m1").state()).isEqualTo(NodeState.ALIVE);
        }
    }

    // ---- protocol versions ----------------------------------------------------------------

    static Stream<Arguments> verifyProtocolCases() {
        return Stream.of(
                // both running identical everything
                Arguments.of(new int[][] {{0, 0, 0}}, new int[][] {{0, 0, 0}}, true),
                // one can understand newer, but speaking the same protocol
                Arguments.of(new int[][] {{0, 0, 0}}, new int[][] {{0, 1, 0}}, true),
                // one is speaking outside the range
                Arguments.of(new int[][] {{0, 0, 0}}, new int[][] {{1, 1, 1}}, false),
                // transitively outside the range
                Arguments.of(new int[][] {{0, 1, 0}, {0, 2, 1}}, new int[][] {{1, 3, 1}}, false),
                // multi-node
                Arguments.of(new int[][] {{0, 3, 2}, {0, 2, 0}}, new int[][] {{0, 2, 1}, {0, 5, 0}}, true));
    }

    @ParameterizedTest
    @DisplayName("TestVerifyProtocol")
    @MethodSource("verifyProtocolCases")
    void verifyProtocol(int[][] a, int[][] b, boolean expected) {
        // core protocol, then delegate protocol, each both ways
        verifyProtocolSingle(core(a), core(b), expected);
        verifyProtocolSingle(core(b), core(a), expected);
        verifyProtocolSingle(app(a), app(b), expected);
        verifyProtocolSingle(app(b), app(a), expected);
    }

    private static byte[][] core(int[][] nodes) {
        byte[][] out = new byte[nodes.length][];
        for (int i = 0; i < nodes.length; i++) {
            out[i] = new byte[] {(byte) nodes[i][0], (byte) nodes[i][1], (byte) nodes[i][2], 0, 0, 0};
        }
        return out;
    }

    private static byte[][] app(int[][] nodes) {
        byte[][] out = new byte[nodes.length][];
        for (int i = 0; i < nodes.length; i++) {
            out[i] = new byte[] {0, 0, 0, (byte) nodes[i][0], (byte) nodes[i][1], (byte) nodes[i][2]};
        }
        return out;
    }

    private static void verifyProtocolSingle(byte[][] a, byte[][] b, boolean expect) {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            m.ctx.membership.nodes.clear();
            for (int i = 0; i < a.length; i++) {
                m.ctx.membership.putForTest(
                        NodeRecord.of("local " + i, LOCALHOST, 0, null, a[i], 0, NodeState.ALIVE), 0);
            }
            List<PushNodeState> remote = new ArrayList<>();
            for (int i = 0; i < b.length; i++) {
                remote.add(new PushNodeState("node " + i, null, 0, null, 0, NodeState.ALIVE.code(), b[i]));
            }
            String err = m.ctx.membership.verifyProtocol(remote);
            assertThat(err == null)
                    .as("A: %s B: %s err: %s", java.util.Arrays.deepToString(a), java.util.Arrays.deepToString(b), err)
                    .isEqualTo(expect);
        }
    }
}
