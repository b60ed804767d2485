package dev.memberlist.spring.boot.autoconfigure;

import static dev.memberlist.spring.boot.autoconfigure.LoopbackApplications.awaitMembers;
import static dev.memberlist.spring.boot.autoconfigure.LoopbackApplications.seedOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.engine.interop.Ports;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.MemberlistStartupException;
import dev.memberlist.spring.boot.event.MemberJoinedEvent;
import dev.memberlist.spring.boot.event.MemberLeftEvent;
import dev.memberlist.spring.boot.event.MemberlistJoinedEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * The node through the context's lifecycle: pause, stop and start again, the start-up join,
 * its event and its fail-fast mode; real contexts on loopback.
 */
class MemberlistLifecycleTests {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final LoopbackApplications applications = new LoopbackApplications();

    @AfterEach
    void closeAll() {
        this.applications.close();
    }

    @Test
    void aPausedContextKeepsItsNodeInItsCluster() {
        ConfigurableApplicationContext n1 = start("n1", null);
        ConfigurableApplicationContext n2 = start("n2", seedOf(n1));
        awaitMembers(2, n1, n2);
        Memberlist before = n2.getBean(Memberlist.class);

        n2.pause();
        // not left, not shut down: the test framework pauses cached contexts it is not using
        assertThat(before.isRunning()).isTrue();
        assertThat(before.hasLeft()).isFalse();
        assertThat(n2.getBean(MemberlistNode.class).isRunning()).isTrue();
        assertThat(n1.getBean(Memberlist.class).node("n2").state()).isEqualTo(NodeState.ALIVE);

        n2.start();
        assertThat(n2.getBean(Memberlist.class)).isSameAs(before);
        assertThat(before.isRunning()).isTrue();
        awaitMembers(2, n1, n2);
        assertThat(n1.getBean(Events.class).left).doesNotContain("n2");
    }

    @Test
    void aStoppedAndStartedContextRunsAFreshNodeThatRejoins() {
        // the first node has no seeds: after its restart it finds the cluster through the members it knew
        ConfigurableApplicationContext n1 = start("n1", null);
        String seed = seedOf(n1);
        ConfigurableApplicationContext n2 = start("n2", seed);
        ConfigurableApplicationContext n3 = start("n3", seed);
        awaitMembers(3, n1, n2, n3);
        Memberlist old = n1.getBean(Memberlist.class);

        n1.stop();
        assertThat(old.isShutdown()).isTrue();
        assertThat(n1.getBean(MemberlistNode.class).hasLeft()).isTrue();
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(n2.getBean(Events.class).left).contains("n1");
            assertThat(n3.getBean(Events.class).left).contains("n1");
        });

        n1.start();
        Memberlist fresh = n1.getBean(Memberlist.class);
        assertThat(fresh).isNotSameAs(old);
        assertThat(fresh.isRunning()).isTrue();
        assertThat(fresh.name()).isEqualTo("n1");
        assertThat(n1.getBean(MemberlistNode.class).getMemberlist()).isSameAs(fresh);
        awaitMembers(3, n1, n2, n3);
        for (ConfigurableApplicationContext other : List.of(n2, n3)) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                            other.getBean(Memberlist.class).node("n1").state())
                    .isEqualTo(NodeState.ALIVE));
        }
        // the fresh node's events are published too
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(n1.getBean(Events.class).joinedBy)
                .contains(fresh));
    }

    @Test
    void aJoinedEventWhenTheBackgroundJoinFirstSucceeds() {
        int port = Ports.freeRange(1);
        ConfigurableApplicationContext lonely = start(
                "lonely", "127.0.0.1:" + port, "memberlist.join-timeout=1s", "memberlist.join-retry-interval=200ms");
        Events events = lonely.getBean(Events.class);
        assertThat(events.joined).isEmpty();
        assertThat(lonely.getBean(MemberlistNode.class).isJoined()).isFalse();

        // the seed comes up on that port: a background retry reaches it
        start("late-seed", null, "memberlist.bind-port=" + port);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(events.joined).hasSize(1));
        MemberlistJoinedEvent joined = events.joined.get(0);
        assertThat(joined.getMemberlist()).isSameAs(lonely.getBean(Memberlist.class));
        assertThat(joined.getSeeds()).containsExactly("127.0.0.1:" + port);
        assertThat(joined.getContacted()).isEqualTo(1);
        assertThat(events.joinedThreads).containsOnly("memberlist-join");
        assertThat(lonely.getBean(MemberlistNode.class).isJoined()).isTrue();
    }

    @Test
    void joinFailFastFailsStartUpNamingTheProperty() {
        int port = Ports.freeRange(1);
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(MemberlistAutoConfiguration.class))
                .withPropertyValues(MemberlistAutoConfigurationTests.LOOPBACK)
                .withPropertyValues(
                        "memberlist.seeds=127.0.0.1:" + port,
                        "memberlist.join-timeout=1s",
                        "memberlist.join-fail-fast=true")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    FailureAnalysis analysis = new MemberlistStartupFailureAnalyzer().analyze(failure);
                    assertThat(analysis.getDescription())
                            .contains("could not join")
                            .contains("127.0.0.1:" + port)
                            .contains("memberlist.join-fail-fast");
                    assertThat(analysis.getAction())
                            .contains("'memberlist.join-fail-fast'")
                            .contains("'memberlist.seeds'")
                            .contains("'memberlist.join-timeout'");
                    assertThat(analysis.getCause()).isInstanceOf(MemberlistStartupException.class);
                });
    }

    @Test
    void joinFailFastStartsWhenASeedAnswers() {
        ConfigurableApplicationContext n1 = start("n1", null);
        ConfigurableApplicationContext n2 =
                start("n2", seedOf(n1), "memberlist.join-fail-fast=true", "memberlist.join-timeout=20s");
        assertThat(n2.getBean(MemberlistNode.class).isJoined()).isTrue();
        assertThat(n2.getBean(Memberlist.class).members())
                .extracting(Node::name)
                .contains("n1", "n2");
    }

    private ConfigurableApplicationContext start(String name, String seed, String... more) {
        return this.applications.start(Application.class, name, seed, more);
    }

    static class Events {

        final List<String> left = new CopyOnWriteArrayList<>();

        final List<Memberlist> joinedBy = new CopyOnWriteArrayList<>();

        final List<MemberlistJoinedEvent> joined = new CopyOnWriteArrayList<>();

        final List<String> joinedThreads = new CopyOnWriteArrayList<>();

        @EventListener
        void on(MemberLeftEvent event) {
            this.left.add(event.getNode().name());
        }

        @EventListener
        void on(MemberJoinedEvent event) {
            this.joinedBy.add(event.getMemberlist());
        }

        @EventListener
        void on(MemberlistJoinedEvent event) {
            this.joined.add(event);
            this.joinedThreads.add(Thread.currentThread().getName());
        }
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Application {

        @Bean
        Events events() {
            return new Events();
        }
    }
}
