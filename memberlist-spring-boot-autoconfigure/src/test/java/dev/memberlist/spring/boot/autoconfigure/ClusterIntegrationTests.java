package dev.memberlist.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.spring.boot.event.MemberFailedEvent;
import dev.memberlist.spring.boot.event.MemberJoinedEvent;
import dev.memberlist.spring.boot.event.MemberLeftEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Three Spring Boot applications form a cluster over real UDP and TCP on loopback, and hear
 * each other join, leave and fail as application events.
 */
class ClusterIntegrationTests {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final LoopbackApplications applications = new LoopbackApplications();

    @AfterEach
    void closeAll() {
        this.applications.close();
    }

    @Test
    void joinLeaveAndFailureArriveAsEventsOffTheProtocolThread() {
        ConfigurableApplicationContext n1 = start("n1", null);
        String seed =
                "127.0.0.1:" + n1.getBean(Memberlist.class).advertiseAddress().getPort();
        ConfigurableApplicationContext n2 = start("n2", seed);
        ConfigurableApplicationContext n3 = start("n3", seed);
        List<String> names = List.of("n1", "n2", "n3");
        List<ConfigurableApplicationContext> nodes = List.of(n1, n2, n3);
        List<EventLog> logs = nodes.stream().map(ClusterIntegrationTests::log).toList();

        // everyone hears everyone else join
        await().atMost(PATIENCE).untilAsserted(() -> {
            for (int i = 0; i < 3; i++) {
                for (String other : names) {
                    if (!other.equals(names.get(i))) {
                        assertThat(log(nodes.get(i)).heard(MemberJoinedEvent.class, other))
                                .as("%s heard %s join", names.get(i), other)
                                .isTrue();
                    }
                }
            }
        });
        for (ConfigurableApplicationContext node : nodes) {
            assertThat(node.getBean(Memberlist.class).members())
                    .extracting(Node::name)
                    .containsExactlyInAnyOrderElementsOf(names);
        }

        // a context that closes leaves gracefully
        n3.close();
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(log(n1).heard(MemberLeftEvent.class, "n3")).isTrue();
            assertThat(log(n2).heard(MemberLeftEvent.class, "n3")).isTrue();
        });
        assertThat(log(n1).heard(MemberFailedEvent.class, "n3")).isFalse();

        // a node whose transport dies without a word is declared dead
        n2.getBean(Memberlist.class).shutdown();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(log(n1).heard(MemberFailedEvent.class, "n2"))
                .isTrue());
        assertThat(log(n1).heard(MemberLeftEvent.class, "n2")).isFalse();

        // listeners never ran on a protocol strand or an I/O thread, always on a delegate queue
        for (int i = 0; i < 3; i++) {
            assertThat(logs.get(i).threads())
                    .isNotEmpty()
                    .allMatch((thread) -> thread.startsWith(MemberlistEventPublisher.THREAD_PREFIX));
        }
    }

    private ConfigurableApplicationContext start(String name, String seed) {
        return this.applications.start(ClusterApplication.class, name, seed);
    }

    private static EventLog log(ConfigurableApplicationContext context) {
        return context.getBean(EventLog.class);
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class ClusterApplication {

        @Bean
        EventLog eventLog() {
            return new EventLog();
        }
    }
}
