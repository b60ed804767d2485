package dev.memberlist.engine.delegate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompositeDelegateTest {
    private static final Node NODE = new Node("n", new byte[] {127, 0, 0, 1}, 1, null, NodeState.ALIVE, 1, null);

    @Test
    void everyEventDelegateHearsEveryEventInOrderEvenWhenOneThrows() {
        List<String> heard = new ArrayList<>();
        CompositeDelegate c = CompositeDelegate.builder()
                .event(new EventDelegate() {
                    @Override
                    public void notifyJoin(Node node) {
                        heard.add("first");
                        throw new IllegalStateException("boom");
                    }
                })
                .event(new EventDelegate() {
                    @Override
                    public void notifyJoin(Node node) {
                        heard.add("second");
                    }
                })
                .build();
        c.notifyJoin(NODE);
        assertThat(heard).containsExactly("first", "second");
    }

    @Test
    void anyMergeOrAliveDelegateCanVeto() {
        CompositeDelegate c = CompositeDelegate.builder()
                .merge(peers -> {})
                .merge(peers -> {
                    throw new IllegalStateException("other cluster");
                })
                .alive(peer -> {})
                .build();
        assertThatThrownBy(() -> c.notifyMerge(List.of(NODE))).hasMessage("other cluster");
        c.notifyAlive(NODE);
    }

    @Test
    void anObjectIsRegisteredUnderEveryInterfaceItImplementsAndOnlyOneNodeDelegateIsAllowed() {
        class Both implements NodeDelegate, PingDelegate {
            int pings;

            @Override
            public byte[] nodeMeta(int limit) {
                return new byte[] {1};
            }

            @Override
            public void notifyPingComplete(Node other, Duration rtt, byte[] payload) {
                pings++;
            }
        }
        Both both = new Both();
        CompositeDelegate c = CompositeDelegate.builder().add(both).build();
        assertThat(c.nodeMeta(512)).containsExactly(1);
        c.notifyPingComplete(NODE, Duration.ofMillis(1), null);
        assertThat(both.pings).isEqualTo(1);
        assertThat(c.hasPings()).isTrue();
        assertThat(c.hasEvents()).isFalse();
        assertThatThrownBy(() -> CompositeDelegate.builder().add(both).add(new NodeDelegate() {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most one NodeDelegate");
        assertThatThrownBy(() -> CompositeDelegate.builder().add("not a delegate"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
