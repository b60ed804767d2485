package dev.memberlist.test.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memberlist.test.fault.LinkFaults.Rule;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LinkFaultsTest {

    private static List<Integer> fates(LinkFaults f, int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(f.decidePacket("a", "b").length);
        }
        return out;
    }

    @Test
    void theSameSeedGivesTheSameDecisions() {
        Rule r = Rule.loss(0.3).withDuplicate(0.2).withDelay(Duration.ofMillis(5), Duration.ofMillis(10));
        LinkFaults one = new LinkFaults(11).setAll(r);
        LinkFaults two = new LinkFaults(11).setAll(r);
        for (int i = 0; i < 1000; i++) {
            assertThat(two.decidePacket("a", "b")).isEqualTo(one.decidePacket("a", "b"));
        }
        assertThat(fates(new LinkFaults(12).setAll(r), 100)).isNotEqualTo(fates(new LinkFaults(11).setAll(r), 100));
    }

    @Test
    void lossAndDuplicationHappenAtTheirRates() {
        LinkFaults f = new LinkFaults(1).setAll(Rule.loss(0.25).withDuplicate(0.1));
        int n = 20_000;
        List<Integer> fates = fates(f, n);
        long lost = fates.stream().filter(c -> c == 0).count();
        long dup = fates.stream().filter(c -> c == 2).count();
        assertThat(lost).isBetween((long) (n * 0.23), (long) (n * 0.27));
        // duplication applies to the 75% that got through
        assertThat(dup).isBetween((long) (n * 0.75 * 0.08), (long) (n * 0.75 * 0.12));
        assertThat(f.stats()).isEqualTo(new LinkFaults.Stats(n, lost, 0, dup, 0));
    }

    @Test
    void delayIsFixedPlusUniformJitter() {
        LinkFaults f = new LinkFaults(2).setAll(Rule.PERFECT.withDelay(Duration.ofMillis(10), Duration.ofMillis(4)));
        long min = Long.MAX_VALUE, max = 0;
        for (int i = 0; i < 5000; i++) {
            long[] d = f.decidePacket("a", "b");
            assertThat(d).hasSize(1);
            min = Math.min(min, d[0]);
            max = Math.max(max, d[0]);
        }
        assertThat(min).isBetween(10_000_000L, 10_100_000L);
        assertThat(max).isBetween(13_900_000L, 14_000_000L - 1);
        // streams keep their order: the fixed part only
        assertThat(f.streamDelayNanos("a", "b")).isEqualTo(10_000_000L);
    }

    @Test
    void aPerLinkRuleReplacesTheRuleForAllLinksInOneDirection() {
        LinkFaults f = new LinkFaults(3).setAll(Rule.loss(1)).setLink("a", "b", Rule.PERFECT);
        assertThat(f.decidePacket("a", "b")).hasSize(1);
        assertThat(f.decidePacket("b", "a")).isEmpty();
        assertThat(f.decidePacket("a", "c")).isEmpty();
        f.clearLink("a", "b");
        assertThat(f.decidePacket("a", "b")).isEmpty();
    }

    @Test
    void aOneWayBlockStopsOneDirectionAndEveryStream() {
        LinkFaults f = new LinkFaults(4).block("a", "b");
        assertThat(f.decidePacket("a", "b")).isEmpty();
        assertThat(f.decidePacket("b", "a")).hasSize(1);
        // TCP needs both directions
        assertThat(f.canConnect("a", "b")).isFalse();
        assertThat(f.canConnect("b", "a")).isFalse();
        assertThat(f.decideDial("b", "a")).isFalse();
        assertThat(f.canConnect("a", "c")).isTrue();
        f.unblock("a", "b");
        assertThat(f.decidePacket("a", "b")).hasSize(1);
        assertThat(f.stats().blocked()).isEqualTo(1);
        assertThat(f.stats().dialsBlocked()).isEqualTo(1);
    }

    @Test
    void aPartitionSplitsSidesBothWaysUntilHealed() {
        LinkFaults f = new LinkFaults(5).setAll(Rule.loss(0.1));
        f.partition(Set.of("a", "b"), Set.of("c", "d"));
        assertThat(f.isBlocked("a", "c")).isTrue();
        assertThat(f.isBlocked("d", "b")).isTrue();
        assertThat(f.isBlocked("a", "b")).isFalse();
        assertThat(f.isBlocked("c", "d")).isFalse();
        // a node on no side reaches everyone
        assertThat(f.isBlocked("e", "a")).isFalse();
        assertThat(f.isBlocked("c", "e")).isFalse();
        f.heal();
        assertThat(f.isBlocked("a", "c")).isFalse();
        // healing keeps the rules
        assertThat(f.rule("a", "c").loss()).isEqualTo(0.1);
        f.reset();
        assertThat(f.rule("a", "c")).isEqualTo(Rule.PERFECT);
        assertThatThrownBy(() -> f.partition(Set.of("a"), Set.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBlockedLinkConsumesNoRandomness() {
        Rule r = Rule.loss(0.5);
        LinkFaults plain = new LinkFaults(6).setAll(r);
        LinkFaults blocked = new LinkFaults(6).setAll(r).block("x", "y");
        for (int i = 0; i < 100; i++) {
            blocked.decidePacket("x", "y");
            assertThat(blocked.decidePacket("a", "b")).isEqualTo(plain.decidePacket("a", "b"));
        }
    }

    @Test
    void rulesAreValidated() {
        assertThatThrownBy(() -> Rule.loss(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rule.PERFECT.withDuplicate(-0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rule.PERFECT.withDelay(Duration.ofMillis(-1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rule.loss(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesOfAddresses() {
        LinkFaults f = new LinkFaults(7);
        InetSocketAddress sa = new InetSocketAddress("127.0.0.1", 7946);
        assertThat(f.nameOf(sa)).isNull();
        f.register("a", sa);
        assertThat(f.nameOf(new InetSocketAddress("127.0.0.1", 7946))).isEqualTo("a");
        assertThat(f.nameOf(null)).isNull();
    }
}
