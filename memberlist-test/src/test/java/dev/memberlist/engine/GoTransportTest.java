package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.delegate.NodeDelegate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Go memberlist 0.2.2's transport_test.go: whole nodes on the in-memory network (Go's
 * MockNetwork, here on the virtual clock), joining and exchanging user messages.
 */
class GoTransportTest {

    private static String seed(Memberlist m) {
        return m.name() + "/127.0.0.1:" + m.advertiseAddress().getPort();
    }

    @Test
    @DisplayName("TestTransport_Join")
    void transportJoin() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m1 = h.node("node1", null);
            Memberlist m2 = h.node("node2", null);

            CompletableFuture<Integer> num = m2.joinAsync(List.of(seed(m1)));
            h.runUntil(num::isDone, Duration.ofSeconds(5));
            assertThat(num.join()).isEqualTo(1);

            assertThat(m2.members()).hasSize(2);
            assertThat(m2.ctx.membership.estNumNodes()).isEqualTo(2);
        }
    }

    /** Go's MockDelegate, the part that records messages. */
    private static final class Messages implements NodeDelegate {
        final List<String> received = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void notifyMsg(byte[] msg) {
            received.add(new String(msg, StandardCharsets.UTF_8));
        }
    }

    /** Go's deprecated SendTo, SendToUDP and SendToTCP are SendToAddress, SendBestEffort and SendReliable. */
    @Test
    @DisplayName("TestTransport_Send")
    void transportSend() {
        try (GoHarness h = new GoHarness()) {
            Messages d1 = new Messages();
            Memberlist m1 = h.node("node1", c -> c.setDelegate(d1));
            Memberlist m2 = h.node("node2", null);

            CompletableFuture<Integer> num = m2.joinAsync(List.of(seed(m1)));
            h.runUntil(num::isDone, Duration.ofSeconds(5));
            assertThat(num.join()).isEqualTo(1);

            // SendTo: by address only, without a node name
            m2.sendToAddress(Address.of(m1.advertiseAddress()), bytes("SendTo"));
            Node n1 = m2.members().stream()
                    .filter(n -> n.name().equals("node1"))
                    .findFirst()
                    .orElseThrow();
            m2.sendBestEffort(n1, bytes("SendToUDP"));
            CompletableFuture<Void> tcp = m2.sendReliableAsync(n1, bytes("SendToTCP"));
            m2.sendBestEffort(n1, bytes("SendBestEffort"));
            CompletableFuture<Void> reliable = m2.sendReliableAsync(n1, bytes("SendReliable"));
            h.run(Duration.ofMillis(100));

            assertThat(tcp).isCompleted();
            assertThat(reliable).isCompleted();
            assertThat(d1.received)
                    .containsExactlyInAnyOrder("SendTo", "SendToUDP", "SendToTCP", "SendBestEffort", "SendReliable");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
