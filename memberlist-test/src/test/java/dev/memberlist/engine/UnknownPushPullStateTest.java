package dev.memberlist.engine;

import static dev.memberlist.engine.GoHarness.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.PushNodeState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A push-pull entry in a state we do not know is skipped, as Go's mergeState skips it. */
class UnknownPushPullStateTest {

    @Test
    void anUnknownStateNeitherAddsNorSuspectsAMember() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            byte[] vsn = m.ctx.config.buildVsnArray();
            m.ctx.membership.aliveNode(new Alive(1, "known", new byte[] {127, 0, 0, 1}, 7946, null, vsn), null, false);

            m.ctx.membership.mergeState(List.of(
                    new PushNodeState("known", new byte[] {127, 0, 0, 1}, 7946, null, 1, 7, vsn),
                    new PushNodeState("stranger", new byte[] {127, 0, 0, 2}, 7946, null, 1, 200, vsn)));

            assertThat(record(m, "known").state).isEqualTo(NodeState.ALIVE);
            assertThat(record(m, "stranger")).isNull();
        }
    }
}
