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
import org.junit.jupiter.api.Timeout;

/**
 * The slow-delegate scenario through the peer protocol, for the Java peer and the reference Go
 * peer side by side: six nodes, TCP fallback pings off, node 0's user-message delegate blocks
 * 8 s on every message ({@code stall 0 8000}) while the others send it one each a second. For
 * 40 s no node may hold node 0 anything but alive. Go passes because its packet listener acks
 * pings itself and runs {@code NotifyMsg} on another goroutine; the Java peer must pass the same.
 */
class StallScenarioTest {
    private static final int NODES = 6;
    private static final Duration WATCH = Duration.ofSeconds(40);
    private final List<GoPeer> peers = new ArrayList<>();

    @AfterEach
    void close() {
        peers.forEach(GoPeer::close);
    }

    private GoPeer start(List<String> cmd) {
        GoPeer p = GoPeer.startCommand(cmd);
        peers.add(p);
        return p;
    }

    private static List<String> flags(String name, int port) {
        return List.of(
                "-nodes", String.valueOf(NODES), "-name", name, "-port", String.valueOf(port), "-tcp-ping=false");
    }

    private List<String> javaPeer(int port) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PeerMain.class.getName()));
        cmd.addAll(flags("jv", port));
        return cmd;
    }

    private List<String> goPeer(int port) {
        List<String> cmd = new ArrayList<>(List.of(GoPeer.binary().toString()));
        cmd.addAll(flags("go", port));
        return cmd;
    }

    /** What node {@code i} of the peer holds node 0 as, or "missing". */
    private static String stateOfNode0(GoPeer p, String prefix, int i) {
        return p.members(i, prefix + "-" + i).stream()
                .filter(m -> (prefix + "-0").equals(m.get("node")))
                .map(m -> String.valueOf(m.get("state")))
                .findFirst()
                .orElse("missing");
    }

    @Test
    @Timeout(150)
    void aStalledNotifyMsgNeverGetsTheNodeSuspectedInTheJavaPeerAsInTheGoPeer() throws Exception {
        GoPeer java = start(javaPeer(Ports.freeRange(NODES)));
        GoPeer go = start(goPeer(Ports.freeRange(NODES)));
        Map<String, GoPeer> byPrefix = Map.of("jv", java, "go", go);
        for (var e : byPrefix.entrySet()) {
            e.getValue().await(event("joined", "self", e.getKey() + "-" + (NODES - 1)), Duration.ofSeconds(30));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> java.members(0, "jv-0").size() == NODES
                        && go.members(0, "go-0").size() == NODES);

        java.send("stall 0 8000");
        go.send("stall 0 8000");
        List<String> violations = new ArrayList<>();
        long start = System.nanoTime();
        int round = 0;
        while (System.nanoTime() - start < WATCH.toNanos()) {
            round++;
            for (var e : byPrefix.entrySet()) {
                String prefix = e.getKey();
                GoPeer p = e.getValue();
                for (int i = 1; i < NODES; i++) {
                    p.send("sendbe " + i + " " + prefix + "-0 work-" + round);
                    if (round % 2 == 0) {
                        String state = stateOfNode0(p, prefix, i);
                        if (!state.equals("alive")) {
                            violations.add(prefix + "-" + i + " held " + prefix + "-0 " + state + " after "
                                    + (System.nanoTime() - start) / 1_000_000 + " ms");
                        }
                    }
                }
            }
            Thread.sleep(1000);
        }
        for (var e : byPrefix.entrySet()) {
            String prefix = e.getKey();
            assertThat(e.getValue().saw(event("leave", "node", prefix + "-0")))
                    .as("%s: nobody declared node 0 dead", prefix)
                    .isFalse();
            assertThat(e.getValue().saw(event("msg", "self", prefix + "-0")))
                    .as("%s: node 0's stalled delegate did get messages", prefix)
                    .isTrue();
        }
        assertThat(violations)
                .as("node 0 held alive by everyone, in both peers")
                .isEmpty();
    }
}
