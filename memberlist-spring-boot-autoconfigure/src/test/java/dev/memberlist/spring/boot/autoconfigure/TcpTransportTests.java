package dev.memberlist.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** {@code memberlist.transport=tcp}: applications form a cluster with no UDP socket of theirs. */
class TcpTransportTests {

    private final LoopbackApplications applications = new LoopbackApplications();

    @AfterEach
    void close() {
        this.applications.close();
    }

    private Memberlist start(String name, String seed) {
        return this.applications
                .start(Application.class, name, seed, "memberlist.transport=tcp")
                .getBean(Memberlist.class);
    }

    @Test
    void applicationsFormAClusterOverTcpOnly() throws Exception {
        Memberlist a = start("a", null);
        Memberlist b = start("b", "127.0.0.1:" + a.advertiseAddress().getPort());
        await().atMost(Duration.ofSeconds(30)).until(() -> a.numMembers() == 2 && b.numMembers() == 2);
        for (Memberlist node : List.of(a, b)) {
            // nobody holds UDP on the node's port: we can take it
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(
                    InetAddress.getLoopbackAddress(), node.advertiseAddress().getPort()))) {
                assertThat(udp.isBound()).isTrue();
            }
        }
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Application {}
}
