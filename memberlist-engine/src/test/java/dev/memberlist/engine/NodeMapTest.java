package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.AliveView;
import dev.memberlist.engine.wire.MessageCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The node table: lookups by name and by an alive message's bytes; times of change kept in 32 bits
 * of 65.5 microseconds, read back exactly.
 */
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

    private static AliveView aliveAbout(String name) {
        byte[] msg = MessageCodec.encode(new Alive(1, name, new byte[] {127, 0, 0, 1}, 7946, null, null));
        return AliveView.read(msg, 1, msg.length - 1);
    }

    @Test
    void anAliveMessagesBytesFindTheRecordItsNameStringFinds() {
        Random random = new Random(7);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            names.add("node-" + i);
        }
        // past the 15 bytes the heads hold, past 255 (the length's low bits), names alike but for
        // their last byte, and names that are not ASCII (found through their strings)
        String longPrefix = "x".repeat(300);
        for (int i = 0; i < 50; i++) {
            names.add("service-with-a-long-name-" + i);
            names.add(longPrefix + i);
            names.add("n\u00f6de-" + i);
            names.add("\u7bc0\u70b9-" + i);
        }
        names.add("exactly-15-byte");
        names.add("a");
        NodeMap map = new NodeMap();
        List<String> absent = new ArrayList<>();
        for (String n : names) {
            if (random.nextInt(4) == 0) {
                absent.add(n);
            } else {
                map.put(node(n), 0);
            }
        }
        // removed ones leave tombstones behind, which a lookup passes
        for (int i = 0; i < names.size(); i += 7) {
            if (map.remove(names.get(i)) != null) {
                absent.add(names.get(i));
            }
        }
        for (String n : names) {
            NodeRecord byName = map.get(n);
            assertThat(map.get(aliveAbout(n))).as(n).isSameAs(byName);
            assertThat(byName == null).as(n).isEqualTo(absent.contains(n));
        }
        // same heads, another tail or length
        assertThat(map.get(aliveAbout("service-with-a-long-name-1x"))).isNull();
        assertThat(map.get(aliveAbout(longPrefix + "1".repeat(2)))).isNull();
        assertThat(map.get(aliveAbout("x".repeat(44)))).isNull();
        assertThat(map.get(aliveAbout("exactly-15-bytf"))).isNull();
        assertThat(map.get(aliveAbout("exactly-15-byte\u0000"))).isNull();
    }

    @Test
    void aNameThatIsNotAsciiHasHeadsNoMessageMatches() {
        assertThat(AliveView.nameHeads("n\u00f6de")).containsExactly(-1, -1);
        AliveView v = aliveAbout("node-1");
        assertThat(AliveView.nameHeads("node-1")).containsExactly(v.nameHead0(), v.nameHead1());
        assertThat(aliveAbout("n\u00f6de").nameAscii()).isFalse();
    }
}
