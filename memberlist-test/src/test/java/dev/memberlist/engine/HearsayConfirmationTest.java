package dev.memberlist.engine;

import static dev.memberlist.engine.GoHarness.aliveOf;
import static dev.memberlist.engine.GoHarness.bogus;
import static dev.memberlist.engine.GoHarness.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.wire.PushNodeState;
import dev.memberlist.engine.wire.Suspect;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A suspicion heard from one accuser and then seen again in a push-pull's remote state is still
 * one accusation: the merge must not count as our own confirmation (Go's mergeState does, which
 * let a lone slow member's accusation reach Lifeguard's minimum timeout and kill a healthy node
 * in {@code LifeguardFalsePositiveTest}, seed 2).
 */
class HearsayConfirmationTest {

    @Test
    void aRemoteSuspicionWeAlreadyHoldIsNotAConfirmation() {
        try (GoHarness h = new GoHarness()) {
            // GoStateTest's dogpile set-up: k = 3, 1000 ms with no confirmation, 750 ms with one
            Memberlist m = h.host("m", c -> c.setProbeTimeout(Duration.ofMillis(1))
                    .setProbeInterval(Duration.ofMillis(100))
                    .setSuspicionMult(5)
                    .setSuspicionMaxTimeoutMult(2));
            byte[] vsn = m.ctx.config.buildVsnArray();
            m.ctx.membership.aliveNode(aliveOf(m, 1, vsn), null, true);
            for (int j = 0; j < 4; j++) {
                m.ctx.membership.aliveNode(aliveOf(h.host("peer-" + j, null), 1, vsn), null, false);
            }
            m.ctx.membership.aliveNode(bogus("bad", 1, vsn), null, false);

            // the rumour of one accuser starts our suspicion
            m.ctx.membership.suspectNode(new Suspect(1, "bad", "peer-0"));
            long suspectedAt = h.now();
            // two push-pulls then show the same suspicion in the remote state
            PushNodeState remote =
                    new PushNodeState("bad", new byte[] {127, 0, 0, 1}, 0, null, 1, NodeState.SUSPECT.code(), null);
            m.ctx.membership.mergeState(List.of(remote));
            m.ctx.membership.mergeState(List.of(remote));

            // still the unconfirmed 1000 ms, not 750 or 604
            h.run(Duration.ofMillis(975));
            assertThat(record(m, "bad").state).as("still suspect").isEqualTo(NodeState.SUSPECT);
            h.runUntil(() -> record(m, "bad").state == NodeState.DEAD, Duration.ofMillis(50));
            assertThat(Duration.ofNanos(h.now() - suspectedAt).toMillis()).isBetween(999L, 1000L);
        }
    }
}
