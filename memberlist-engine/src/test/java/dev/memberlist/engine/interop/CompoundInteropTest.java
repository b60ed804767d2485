package dev.memberlist.engine.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Config;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A burst of small broadcasts packs one gossip packet with a compound of well over 127 parts.
 * Go 0.2.2 computes the length table of a compound in a {@code uint8}, so it loses every part
 * of a compound of 128 or more; we write at most 127 a compound, and the burst arrives whole,
 * both ways (a Java node and the real Go peer, real sockets).
 */
class CompoundInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int BURST = 300;

    private TestNode java;
    private GoPeer go;

    @AfterEach
    void close() throws Exception {
        if (go != null) {
            go.close();
        }
        if (java != null) {
            java.close();
        }
    }

    @Test
    void threeHundredSmallBroadcastsCrossBothWays() {
        // LAN-like retransmits on local timings: each broadcast is sent 4 times to the one peer
        java = TestNode.start("j0", Config.local().setRetransmitMult(4));
        int port = Ports.freeRange(1);
        go = GoPeer.start(
                "-profile",
                "local",
                "-retransmit-mult",
                "4",
                "-name",
                "go",
                "-port",
                String.valueOf(port),
                "-join",
                java.hostPort());
        go.await(GoPeer.event("joined", "self", "go"), WAIT);
        await().atMost(WAIT).until(() -> java.member("go") != null);

        // Java to Go: about 170 of these fit in one packet
        for (int i = 0; i < BURST; i++) {
            java.broadcast("j" + i);
        }
        await().atMost(WAIT).until(() -> received(go.events(), "j") >= BURST - 3);
        assertThat(received(go.events(), "j")).isGreaterThanOrEqualTo(BURST - 3);

        // Go to Java
        for (int i = 0; i < BURST; i++) {
            go.send("broadcast 0 g" + i);
        }
        await().atMost(WAIT).until(() -> receivedByJava("g") >= BURST - 3);
    }

    private static int received(List<Map<String, Object>> events, String prefix) {
        Set<Object> texts = new HashSet<>();
        for (Map<String, Object> e : events) {
            if ("msg".equals(e.get("ev")) && String.valueOf(e.get("data")).startsWith(prefix)) {
                texts.add(e.get("data"));
            }
        }
        return texts.size();
    }

    private int receivedByJava(String prefix) {
        return (int) java.messages().stream()
                .filter(t -> t.startsWith(prefix))
                .distinct()
                .count();
    }
}
