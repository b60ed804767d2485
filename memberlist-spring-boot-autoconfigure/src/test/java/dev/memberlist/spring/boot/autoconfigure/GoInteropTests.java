package dev.memberlist.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.interop.GoPeer;
import dev.memberlist.engine.interop.Ports;
import dev.memberlist.spring.boot.actuate.endpoint.MemberlistEndpoint;
import dev.memberlist.spring.boot.actuate.endpoint.MemberlistEndpoint.MemberDescriptor;
import dev.memberlist.spring.boot.event.MemberJoinedEvent;
import dev.memberlist.spring.boot.event.MemberLeftEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application and HashiCorp's Go memberlist (the reference peer) form one
 * cluster; the endpoint lists the Go node.
 */
class GoInteropTests {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void springAndGoFormOneCluster() {
        try (ConfigurableApplicationContext spring = new SpringApplicationBuilder(InteropApplication.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "memberlist.name=spring",
                        "memberlist.profile=local",
                        "memberlist.bind-address=127.0.0.1",
                        "memberlist.advertise-address=127.0.0.1",
                        "memberlist.bind-port=0",
                        "memberlist.tags.lang=java",
                        "management.endpoints.web.exposure.include=memberlist",
                        "spring.main.banner-mode=off")
                .run()) {
            int springPort = spring.getBean(Memberlist.class).advertiseAddress().getPort();
            int goPort = Ports.freeRange(1);
            try (GoPeer go = GoPeer.start(
                    "-nodes", "1",
                    "-name", "go",
                    "-port", String.valueOf(goPort),
                    "-bind", "127.0.0.1",
                    "-profile", "local",
                    "-meta", "role=go",
                    "-join", "127.0.0.1:" + springPort)) {
                // Go sees Spring
                go.await(GoPeer.event("join", "self", "go", "node", "spring"), PATIENCE);
                go.await(GoPeer.event("joined", "self", "go", "contacted", "1"), PATIENCE);
                // Spring sees Go, as a member and as an event
                EventLog log = spring.getBean(EventLog.class);
                await().atMost(PATIENCE).until(() -> log.heard(MemberJoinedEvent.class, "go"));
                Memberlist memberlist = spring.getBean(Memberlist.class);
                assertThat(memberlist.members()).extracting(Node::name).containsExactlyInAnyOrder("go", "spring");
                // the endpoint lists the Go node, its metadata as text since it is not tags
                MemberlistEndpoint endpoint = spring.getBean(MemberlistEndpoint.class);
                await().atMost(PATIENCE).untilAsserted(() -> {
                    List<MemberDescriptor> members = endpoint.memberlist().members();
                    assertThat(members).extracting(MemberDescriptor::name).containsExactly("go", "spring");
                    MemberDescriptor goNode = members.get(0);
                    assertThat(goNode.state()).isEqualTo("alive");
                    assertThat(goNode.address()).isEqualTo("127.0.0.1");
                    assertThat(goNode.port()).isEqualTo(goPort);
                    assertThat(goNode.meta()).isEqualTo("role=go");
                    assertThat(goNode.tags()).isNull();
                    assertThat(members.get(1).tags()).isEqualTo(Map.of("lang", "java"));
                });
                // Go's member list has us alive, and probing both ways keeps it so for a while
                assertThat(go.members(0, "go")).anySatisfy((m) -> assertThat(m).containsEntry("node", "spring"));
                // Go leaves: Spring hears it
                go.send("leave 0");
                await().atMost(PATIENCE).until(() -> log.heard(MemberLeftEvent.class, "go"));
            }
        }
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class InteropApplication {

        @Bean
        EventLog eventLog() {
            return new EventLog();
        }
    }
}
