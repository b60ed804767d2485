package dev.memberlist.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** {@code memberlist.transport=tcp}: applications form a cluster with no UDP socket of theirs. */
class TcpTransportTests {

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @AfterEach
    void close() {
        this.contexts.forEach(ConfigurableApplicationContext::close);
    }

    private Memberlist start(String name, String seed) {
        List<String> properties = new ArrayList<>(List.of(
                "memberlist.name=" + name,
                "memberlist.profile=local",
                "memberlist.transport=tcp",
                "memberlist.bind-address=127.0.0.1",
                "memberlist.advertise-address=127.0.0.1",
                "memberlist.bind-port=0",
                "spring.main.banner-mode=off"));
        if (seed != null) {
            properties.add("memberlist.seeds=" + seed);
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
                .web(WebApplicationType.NONE)
                .properties(properties.toArray(String[]::new))
                .run();
        this.contexts.add(context);
        return context.getBean(Memberlist.class);
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
