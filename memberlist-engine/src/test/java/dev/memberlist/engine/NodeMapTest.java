package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The node table's times of change: kept in 32 bits of 65.5 microseconds, read back exactly. */
class NodeMapTest {
    private static final long UNIT = 1L << 16;

    private static NodeRecord node(String name) {
        return NodeRecord.alive(name, 1, new byte[] {127, 0, 0, 1}, 7946, null, null);
    }

    /** The time as read back: the stored one, rounded down to the unit. */
    private static long rounded(long t) {
        return Math.floorDiv(t, UNIT) * UNIT;
    }

    @Test
    void aTimeOfChangeReadsBackToTheUnitWithinTheSpanEitherWay() {
        List<Long> times = List.of(0L, 123_456_789_000L, -5_000_000_000_000_000_000L, Long.MAX_VALUE / 2, 1L << 47);
        List<Duration> later = List.of(
                Duration.ZERO,
                Duration.ofMillis(1),
                Duration.ofSeconds(30),
                Duration.ofHours(-1),
                Duration.ofHours(38),
                Duration.ofHours(-38));
        for (long t : times) {
            NodeMap map = new NodeMap();
            map.put(node("a"), t);
            for (Duration d : later) {
                assertThat(map.stateChange("a", t + d.toNanos()))
                        .as("changed at %d, read %s later", t, d)
                        .isEqualTo(rounded(t));
            }
        }
    }

    @Test
    void anOlderTimeIsCarriedForwardUnchanged() {
        long t = 987_654_321_000L;
        long muchLater = t + Duration.ofHours(100).toNanos();
        NodeMap map = new NodeMap();
        map.put(node("a"), t);
        // past the span an alive node's time reads wrong, but what is written back keeps its bits
        long read = map.stateChange("a", muchLater);
        map.put(node("a"), read);
        assertThat(map.stateChange("a", t + 1)).isEqualTo(rounded(t));
        assertThat(map.stateChange("a", muchLater)).isEqualTo(read);
    }

    @Test
    void changesAMillisecondApartStayInOrder() {
        long t = 555_000_000_000L;
        NodeMap map = new NodeMap();
        map.put(node("a"), t);
        long first = map.stateChange("a", t);
        map.put(node("a"), t + 1_000_000);
        assertThat(map.stateChange("a", t + 1_000_000)).isGreaterThan(first);
    }

    @Test
    void anUnknownNodeHasNoTime() {
        NodeMap map = new NodeMap();
        map.put(node("a"), 5 * UNIT);
        assertThat(map.stateChange("b", 7 * UNIT)).isZero();
    }

    @Test
    void theSpanCoversTheLongestGossipToTheDeadTime() {
        assertThat(NodeMap.CHANGE_SPAN).isGreaterThan(Config.GOSSIP_TO_THE_DEAD_MAX);
    }
}
