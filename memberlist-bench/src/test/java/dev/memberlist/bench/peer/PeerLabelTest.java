package dev.memberlist.bench.peer;

import static dev.memberlist.engine.interop.GoPeer.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.interop.GoPeer;
import dev.memberlist.engine.interop.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Java peer's {@code -label} (peer-protocol.md): a labelled cluster of Java peers forms,
 * and nodes with another label, or none, never join it. Real processes on loopback.
 */
class PeerLabelTest {
    private final List<GoPeer> peers = new ArrayList<>();

    @AfterEach
    void close() {
        peers.forEach(GoPeer::close);
    }

    private GoPeer javaPeer(String... flags) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PeerMain.class.getName(),
                "-profile",
                "local"));
        cmd.addAll(List.of(flags));
        GoPeer p = GoPeer.startCommand(cmd);
        peers.add(p);
        return p;
    }

    private static List<String> names(GoPeer p, int i, String self) {
        return p.members(i, self).stream()
                .map(m -> String.valueOf(m.get("node")))
                .sorted()
                .toList();
    }

    @Test
    void aLabelledClusterFormsAndKeepsOtherLabelsAndNoLabelOut() {
        int port = Ports.freeRange(3);
        GoPeer a = javaPeer("-nodes", "3", "-name", "a", "-port", String.valueOf(port), "-label", "cluster-a");
        Map<String, Object> joined = a.await(event("joined", "self", "a-2"), Duration.ofSeconds(30));
        assertThat(joined).doesNotContainKey("error");
        await().atMost(Duration.ofSeconds(30)).until(() -> names(a, 0, "a-0").size() == 3);

        String seed = "127.0.0.1:" + port;
        GoPeer other = javaPeer(
                "-name", "b", "-port", String.valueOf(Ports.freeRange(1)), "-label", "cluster-b", "-join", seed);
        GoPeer none = javaPeer("-name", "c", "-port", String.valueOf(Ports.freeRange(1)), "-join", seed);
        other.await(event("ready", "self", "b"), Duration.ofSeconds(30));
        none.await(event("ready", "self", "c"), Duration.ofSeconds(30));

        // their joins are refused and retried: for 10 s, nobody crosses
        await().during(Duration.ofSeconds(10))
                .atMost(Duration.ofSeconds(20))
                .until(() -> names(a, 0, "a-0").equals(List.of("a-0", "a-1", "a-2"))
                        && names(other, 0, "b").equals(List.of("b"))
                        && names(none, 0, "c").equals(List.of("c")));
        assertThat(a.saw(event("join", "node", "b"))).isFalse();
        assertThat(a.saw(event("join", "node", "c"))).isFalse();
    }
}
