package dev.memberlist.spring.boot.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.interop.Ports;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.autoconfigure.MemberlistAutoConfiguration;
import dev.memberlist.spring.boot.health.MemberlistHealthIndicator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Tests for {@link MemberlistHealthIndicator} on real nodes. */
class MemberlistHealthIndicatorTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    MemberlistAutoConfiguration.class, MemberlistHealthContributorAutoConfiguration.class))
            .withPropertyValues(
                    "memberlist.bind-address=127.0.0.1",
                    "memberlist.advertise-address=127.0.0.1",
                    "memberlist.bind-port=0",
                    "memberlist.profile=local");

    @Test
    void upWithDetailsWhenRunningWithoutSeeds() {
        this.contextRunner.withPropertyValues("memberlist.name=solo").run((context) -> {
            Health health = context.getBean(MemberlistHealthIndicator.class).health();
            Memberlist memberlist = context.getBean(Memberlist.class);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails())
                    .containsEntry("name", "solo")
                    .containsEntry(
                            "address",
                            "127.0.0.1:" + memberlist.advertiseAddress().getPort())
                    .containsEntry("healthScore", 0)
                    .containsEntry("alone", true)
                    .containsEntry("members", Map.of("alive", 1, "suspect", 0, "dead", 0, "left", 0));
        });
    }

    @Test
    void upWhenJoinedThroughASeed() {
        this.contextRunner.withPropertyValues("memberlist.name=first").run((first) -> {
            int port = first.getBean(Memberlist.class).advertiseAddress().getPort();
            this.contextRunner
                    .withPropertyValues("memberlist.name=second", "memberlist.seeds=127.0.0.1:" + port)
                    .run((second) -> {
                        assertThat(second.getBean(MemberlistNode.class).isJoined())
                                .isTrue();
                        Health health =
                                second.getBean(MemberlistHealthIndicator.class).health();
                        assertThat(health.getStatus()).isEqualTo(Status.UP);
                        assertThat(health.getDetails())
                                .containsEntry("members", Map.of("alive", 2, "suspect", 0, "dead", 0, "left", 0))
                                .doesNotContainKey("alone");
                    });
        });
    }

    @Test
    void unknownWhileNoSeedAnsweredThenUpWhenOneDoes() {
        int port = Ports.freeRange(1);
        this.contextRunner
                .withPropertyValues(
                        "memberlist.name=lonely",
                        "memberlist.seeds=127.0.0.1:" + port,
                        "memberlist.join-timeout=2s",
                        "memberlist.join-retry-interval=200ms")
                .run((lonely) -> {
                    Health health =
                            lonely.getBean(MemberlistHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
                    assertThat(health.getDetails())
                            .containsEntry("reason", "joining: no seed answered yet")
                            .containsKey("members")
                            .containsKey("healthScore");
                    // the seed comes up on that port: the background retry finds it
                    this.contextRunner
                            .withPropertyValues("memberlist.name=late-seed", "memberlist.bind-port=" + port)
                            .run((seed) -> await().atMost(Duration.ofSeconds(30))
                                    .untilAsserted(() -> assertThat(lonely.getBean(MemberlistHealthIndicator.class)
                                                    .health()
                                                    .getStatus())
                                            .isEqualTo(Status.UP)));
                });
    }

    @Test
    void downWhileNoSeedAnsweredWhenJoiningIsRequired() {
        this.contextRunner
                .withPropertyValues(
                        "memberlist.seeds=127.0.0.1:" + Ports.freeRange(1),
                        "memberlist.join-timeout=1s",
                        "memberlist.health.require-join=true")
                .run((context) -> {
                    Health health =
                            context.getBean(MemberlistHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails()).containsEntry("reason", "joining: no seed answered yet");
                });
    }

    @Test
    void downWhenTheHealthScoreReachesTheThreshold() {
        this.contextRunner
                .withPropertyValues("memberlist.name=watcher", "memberlist.health.health-score-threshold=1")
                .run((watcher) -> {
                    MemberlistHealthIndicator indicator = watcher.getBean(MemberlistHealthIndicator.class);
                    int port =
                            watcher.getBean(Memberlist.class).advertiseAddress().getPort();
                    this.contextRunner
                            .withPropertyValues("memberlist.name=peer", "memberlist.seeds=127.0.0.1:" + port)
                            .run((peer) -> {
                                await().atMost(Duration.ofSeconds(30))
                                        .until(() -> watcher.getBean(Memberlist.class)
                                                        .numMembers()
                                                == 2);
                                assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
                                // the peer vanishes without a word: probes of it fail, and
                                // Lifeguard counts each failure against the watcher's own health
                                peer.getBean(Memberlist.class).shutdown();
                                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                                    Health health = indicator.health();
                                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                                    assertThat((String) health.getDetails().get("reason"))
                                            .startsWith("degraded: health score");
                                });
                            });
                });
    }

    @Test
    void aThresholdOfZeroFailsStartUp() {
        this.contextRunner
                .withPropertyValues("memberlist.health.health-score-threshold=0")
                .run((context) -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("memberlist.health.health-score-threshold must be at least 1"));
    }

    @Test
    void outOfServiceAfterLeave() {
        this.contextRunner.run((context) -> {
            context.getBean(MemberlistNode.class).leave();
            Health health = context.getBean(MemberlistHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(health.getDetails())
                    .containsEntry("reason", "left the cluster")
                    .containsKey("name");
        });
    }

    @Test
    void downAfterShutdown() {
        this.contextRunner.run((context) -> {
            context.getBean(Memberlist.class).shutdown();
            Health health = context.getBean(MemberlistHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("reason", "shut down");
        });
    }
}
