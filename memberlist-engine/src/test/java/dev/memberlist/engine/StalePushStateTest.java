package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.wire.DecodeException;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.PushNodeState;
import dev.memberlist.engine.wire.PushPull;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A push-pull's reader leaves out the alive states the receiver already has ({@code
 * PushPullSync.staleStates}, {@code SkippedStates}): exactly those Go's {@code aliveNode} would
 * drop at its incarnation check, and their versions still count when the protocol is verified.
 */
class StalePushStateTest {
    /** Ours: protocol 1 to 5, speaking 2; delegate protocol 0. */
    private static final byte[] VSN = {1, 5, 2, 0, 0, 0};

    private static final byte[] HOME = {127, 0, 0, 9};

    private Memberlist m;

    @AfterEach
    void stop() {
        if (m != null) {
            m.shutdown();
        }
    }

    private void knows(String name, long incarnation, NodeState state) {
        m.ctx.strand.execute(() ->
                m.ctx.membership.putForTest(NodeRecord.of(name, HOME, 7000, new byte[0], VSN, incarnation, state), 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> m.node(name) != null);
    }

    private PushPull read(boolean join, List<PushNodeState> states) throws DecodeException {
        byte[] wire = MessageCodec.encodePushPull(new PushPull(join, states, null));
        // after the type byte, as the stream layer hands it over
        return MessageCodec.decodePushPull(wire, 1, wire.length - 1, m.ctx.pushPull.staleStates());
    }

    private static PushNodeState alive(String name, long incarnation, byte[] addr, int port, byte[] vsn) {
        return new PushNodeState(name, addr, port, new byte[0], incarnation, NodeState.ALIVE.code(), vsn);
    }

    private static List<String> names(PushPull p) {
        return p.nodes().stream().map(PushNodeState::name).toList();
    }

    @Test
    void onlyTheAliveStatesWeHaveAreLeftOut() throws Exception {
        m = Memberlist.create(Loopback.quiet("me"));
        knows("same", 5, NodeState.ALIVE);
        knows("a-much-longer-name-than-the-heads-hold", 5, NodeState.ALIVE);
        knows("newer", 5, NodeState.ALIVE);
        knows("moved", 5, NodeState.ALIVE);
        knows("held-dead", 7, NodeState.DEAD);
        knows("suspected", 5, NodeState.SUSPECT);
        PushPull p = read(
                false,
                List.of(
                        alive("same", 5, HOME, 7000, VSN),
                        alive("a-much-longer-name-than-the-heads-hold", 4, HOME, 7000, VSN),
                        alive("newer", 6, HOME, 7000, VSN),
                        alive("moved", 5, new byte[] {127, 0, 0, 10}, 7000, VSN),
                        alive("held-dead", 7, HOME, 7000, VSN),
                        alive("suspected", 5, HOME, 7000, VSN),
                        alive("unknown", 1, HOME, 7000, VSN),
                        alive("me", 0, HOME, 7000, VSN),
                        alive("no-port", 1, HOME, 0, VSN),
                        new PushNodeState("same", HOME, 7000, null, 5, NodeState.DEAD.code(), VSN)));
        // news, a conflict, ourselves, a port to fill in and every other state go to the merge
        assertThat(names(p)).containsExactly("newer", "moved", "unknown", "me", "no-port", "same");
        assertThat(p.skipped().count()).isEqualTo(4);
        // the same without the test: everything
        byte[] wire =
                MessageCodec.encodePushPull(new PushPull(false, List.of(alive("same", 5, HOME, 7000, VSN)), null));
        assertThat(MessageCodec.decodePushPull(wire, 1, wire.length - 1).nodes())
                .hasSize(1);
    }

    @Test
    void aJoinIsReadWholeWhenAMergeDelegateMustSeeIt() throws Exception {
        m = Memberlist.create(Loopback.quiet("me").setMerge(peers -> {}));
        knows("same", 5, NodeState.ALIVE);
        List<PushNodeState> states = List.of(alive("same", 5, HOME, 7000, VSN));
        assertThat(read(true, states).nodes()).hasSize(1);
        assertThat(read(true, states).skipped()).isNull();
        assertThat(read(false, states).nodes()).isEmpty();
    }

    @Test
    void theVersionsOfWhatWasLeftOutStillCount() throws Exception {
        m = Memberlist.create(Loopback.quiet("me"));
        knows("old", 5, NodeState.ALIVE);
        // a state we have, whose versions say it speaks below the least that it itself requires
        PushPull p = read(false, List.of(alive("old", 5, HOME, 7000, new byte[] {2, 5, 1, 0, 0, 0})));
        assertThat(p.nodes()).isEmpty();
        assertThat(verify(p)).contains("'old'").contains("protocol version (1) is incompatible: [2, 5]");
        // one that speaks a delegate protocol we do not
        PushPull q = read(false, List.of(alive("old", 5, HOME, 7000, new byte[] {1, 5, 2, 0, 3, 2})));
        assertThat(q.nodes()).isEmpty();
        assertThat(verify(q)).contains("'old'").contains("delegate protocol version (2) is incompatible: [0, 0]");
        // the same versions as ours pass
        PushPull fine = read(false, List.of(alive("old", 5, HOME, 7000, VSN)));
        assertThat(fine.skipped().count()).isEqualTo(1);
        assertThat(verify(fine)).isNull();
    }

    private String verify(PushPull p) throws Exception {
        return m.ctx.onStrand(() -> m.ctx.membership.verifyProtocol(p.nodes(), p.skipped()))
                .get();
    }
}
