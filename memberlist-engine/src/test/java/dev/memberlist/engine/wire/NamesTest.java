package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The name cache hands back the one interned string of exactly the bytes given: names that share
 * their first bytes, differ only past the bytes an entry packs, or only in length are told apart.
 */
class NamesTest {

    private static String of(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        // off the start of a larger buffer, as in a packet
        byte[] buf = new byte[b.length + 6];
        System.arraycopy(b, 0, buf, 3, b.length);
        return Names.of(buf, 3, b.length);
    }

    @Test
    void everyNameIsItsOwnInternedString() {
        List<String> names = new ArrayList<>();
        names.add("");
        names.add("a");
        names.add("a\0");
        names.add("a\0\0");
        names.add("n-4711");
        names.add("n-4712");
        names.add("x".repeat(14));
        names.add("x".repeat(15));
        names.add("x".repeat(16));
        names.add("x".repeat(15) + "y");
        names.add("x".repeat(15) + "z");
        names.add("x".repeat(40) + "1");
        names.add("x".repeat(40) + "2");
        names.add("x".repeat(64));
        names.add("x".repeat(65));
        names.add("nœud-é");
        for (int round = 0; round < 3; round++) {
            for (String n : names) {
                String got = of(n);
                assertThat(got).isEqualTo(n);
                assertThat(got).isSameAs(n.intern());
                byte[] b = n.getBytes(StandardCharsets.UTF_8);
                assertThat(Names.entry(b, 0, b.length).hash()).as(n).isEqualTo(n.hashCode());
            }
        }
    }

    @Test
    void namesThatMeetInASlotAreAllFound() {
        // far more names than ways: each slot is met by many, and every one still comes back right
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            names.add("node-" + i + (i % 3 == 0 ? "-with-a-longer-suffix" : ""));
        }
        for (int round = 0; round < 2; round++) {
            for (String n : names) {
                assertThat(of(n)).isSameAs(n.intern());
            }
        }
    }
}
