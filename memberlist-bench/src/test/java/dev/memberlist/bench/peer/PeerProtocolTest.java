package dev.memberlist.bench.peer;

import static dev.memberlist.engine.interop.GoPeer.event;
import static dev.memberlist.engine.interop.GoPeer.msgStartingWith;
import static dev.memberlist.engine.interop.GoPeer.rebroadcastUntil;
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
 * The Java peer, run as a process exactly as peer-bench.py runs it, speaks peer-protocol.md:
 * the same flags, events and commands as the reference Go peer, in one cluster with it.
 */
class PeerProtocolTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<GoPeer> peers = new ArrayList<>();

    private static List<String> javaPeer(String... flags) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PeerMain.class.getName()));
        cmd.addAll(List.of(flags));
        return cmd;
    }

    private GoPeer start(List<String> cmd) {
        GoPeer p = GoPeer.startCommand(cmd);
        peers.add(p);
        return p;
    }

    @AfterEach
    void close() {
        peers.forEach(GoPeer::close);
    }

    @Test
    void everyCommandAndEventInAClusterWithTheGoPeer() {
        int port = Ports.freeRange(3);
        GoPeer java = start(javaPeer(
                "-nodes",
                "3",
                "-name",
                "jp",
                "-port",
                String.valueOf(port),
                "-profile",
                "local",
                "--probe-interval=500",
                "-meta",
                "idx={i}",
                "-compress=false"));
        java.await(event("ready", "self", "jp-2", "addr", "127.0.0.1:" + (port + 2)), WAIT);
        java.await(event("joined", "self", "jp-1", "contacted", "1"), WAIT);
        java.await(event("joined", "self", "jp-2", "contacted", "1"), WAIT);

        int goPort = Ports.freeRange(2);
        GoPeer go = start(List.of(
                GoPeer.binary().toString(),
                "-nodes",
                "2",
                "-name",
                "go",
                "-port",
                String.valueOf(goPort),
                "-profile",
                "local",
                "-probe-interval",
                "500",
                "-join",
                "127.0.0.1:" + port));
        go.await(event("joined", "self", "go-1", "contacted", "1"), WAIT);

        await().atMost(WAIT)
                .until(() -> java.members(0, "jp-0").size() == 5
                        && go.members(1, "go-1").size() == 5);
        Map<String, Object> jp1 = java.members(2, "jp-2").stream()
                .filter(m -> "jp-1".equals(m.get("node")))
                .findFirst()
                .orElseThrow();
        assertThat(jp1)
                .containsEntry("meta", "idx=1")
                .containsEntry("state", "alive")
                .containsEntry("addr", "127.0.0.1:" + (port + 1));

        // broadcast and metadata flow from the Java peer to Go, and back
        rebroadcastUntil(
                i -> java.send("broadcast 0 hello-go-" + i),
                () -> go.saw(msgStartingWith("go-0", "hello-go")) && go.saw(msgStartingWith("go-1", "hello-go")),
                WAIT);
        java.send("meta 1 idx=one");
        go.await(event("update", "self", "go-0", "node", "jp-1", "meta", "idx=one"), WAIT);
        rebroadcastUntil(
                i -> go.send("broadcast 1 hello-java-" + i),
                () -> java.saw(msgStartingWith("jp-0", "hello-java")),
                WAIT);

        // reliable and best-effort sends, markers stripped
        java.send("send 2 go-0 via-stream");
        java.send("sendbe 2 go-1 via-packet");
        go.await(event("msg", "self", "go-0", "data", "via-stream"), WAIT);
        go.await(event("msg", "self", "go-1", "data", "via-packet"), WAIT);
        go.send("send 0 jp-0 to-java");
        java.await(event("msg", "self", "jp-0", "data", "to-java"), WAIT);

        // queries
        java.send("health 1");
        assertThat(java.await(event("health", "self", "jp-1"), WAIT)).containsKey("score");
        java.send("stats 0");
        Map<String, Object> stats = java.await(event("stats", "self", "jp-0"), WAIT);
        assertThat(((Number) stats.get("bytes_out")).longValue()).isPositive();
        assertThat(((Number) stats.get("pkts_in")).longValue()).isPositive();
        java.send("delay 0 0");
        java.send("send 0 nobody x");
        assertThat(java.await(event("error", "self", "jp-0"), WAIT).get("error").toString())
                .contains("nobody");

        // a crash and a graceful leave, as Go sees them
        java.send("kill 2");
        java.await(event("killed", "self", "jp-2"), WAIT);
        go.await(event("leave", "self", "go-0", "node", "jp-2"), WAIT);
        java.send("leave 1");
        Map<String, Object> left = java.await(event("left", "self", "jp-1"), WAIT);
        assertThat(left).doesNotContainKey("error");
        go.await(event("leave", "self", "go-1", "node", "jp-1"), WAIT);
        java.await(
                e -> "leave".equals(e.get("ev")) && "jp-1".equals(e.get("node")) && "left".equals(e.get("state")),
                WAIT);

        java.send("quit");
        java.await(event("bye"), WAIT);
    }

    @Test
    void badFlagsAreReportedAsAnErrorEvent() {
        GoPeer java = start(javaPeer("-nodes", "1", "-no-such-flag", "1"));
        assertThat(java.await(event("error"), WAIT).get("error").toString()).contains("no-such-flag");
    }
}
