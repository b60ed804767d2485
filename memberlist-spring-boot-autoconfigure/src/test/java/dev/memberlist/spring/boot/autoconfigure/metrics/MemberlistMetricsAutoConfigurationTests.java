package dev.memberlist.spring.boot.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.spring.boot.autoconfigure.MemberlistAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Tests for {@link MemberlistMetricsAutoConfiguration} with Boot's own meter registry. */
class MemberlistMetricsAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    MemberlistAutoConfiguration.class,
                    MemberlistMetricsAutoConfiguration.class))
            .withPropertyValues(
                    "memberlist.bind-address=127.0.0.1",
                    "memberlist.advertise-address=127.0.0.1",
                    "memberlist.bind-port=0",
                    "memberlist.profile=local");

    @Test
    void membersByStateAndHealthScoreAreAlwaysCurrent() {
        this.contextRunner.run((first) -> {
            MeterRegistry registry = first.getBean(MeterRegistry.class);
            assertThat(registry.get("memberlist.members")
                            .tag("state", "alive")
                            .gauge()
                            .value())
                    .isEqualTo(1);
            assertThat(registry.get("memberlist.members")
                            .tag("state", "left")
                            .gauge()
                            .value())
                    .isZero();
            assertThat(registry.get("memberlist.local.health.score").gauge().value())
                    .isZero();
            int port = first.getBean(Memberlist.class).advertiseAddress().getPort();
            this.contextRunner
                    .withPropertyValues("memberlist.seeds=127.0.0.1:" + port)
                    .run((second) -> await().atMost(Duration.ofSeconds(20))
                            .untilAsserted(() -> assertThat(registry.get("memberlist.members")
                                            .tag("state", "alive")
                                            .gauge()
                                            .value())
                                    .isEqualTo(2)));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(registry.get("memberlist.members")
                            .tag("state", "left")
                            .gauge()
                            .value())
                    .isEqualTo(1));
        });
    }

    @Test
    void engineReportsGoNamedMetersToTheRegistry() {
        this.contextRunner.run((first) -> {
            int port = first.getBean(Memberlist.class).advertiseAddress().getPort();
            this.contextRunner
                    .withPropertyValues("memberlist.seeds=127.0.0.1:" + port)
                    .run((second) -> {
                        // the joiner: its join is a push-pull, then it probes and gossips
                        MeterRegistry registry = second.getBean(MeterRegistry.class);
                        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                            assertThat(registry.find("memberlist.msg.alive").counter())
                                    .isNotNull();
                            assertThat(registry.find("memberlist.node.instances")
                                            .tag("node_state", "alive")
                                            .gauge())
                                    .isNotNull();
                            assertThat(registry.find("memberlist.pushPullNode").timer())
                                    .isNotNull();
                            assertThat(registry.find("memberlist.probeNode").timer())
                                    .isNotNull();
                            assertThat(registry.find("memberlist.gossip").timer())
                                    .isNotNull();
                        });
                    });
        });
    }
}
