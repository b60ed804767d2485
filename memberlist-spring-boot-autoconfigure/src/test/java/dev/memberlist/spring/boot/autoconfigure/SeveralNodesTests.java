package dev.memberlist.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.actuate.endpoint.MemberlistEndpoint;
import dev.memberlist.spring.boot.actuate.endpoint.MemberlistEndpoint.MemberDescriptor;
import dev.memberlist.spring.boot.actuate.endpoint.MemberlistNodesEndpoint;
import dev.memberlist.spring.boot.autoconfigure.actuate.MemberlistEndpointAutoConfiguration;
import dev.memberlist.spring.boot.autoconfigure.health.MemberlistHealthContributorAutoConfiguration;
import dev.memberlist.spring.boot.autoconfigure.metrics.MemberlistMetricsAutoConfiguration;
import dev.memberlist.spring.boot.health.MemberlistHealthIndicator;
import dev.memberlist.spring.boot.metrics.MemberlistMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Two nodes in one context, a LAN and a WAN pool as Consul runs them: two {@link MemberlistNode}
 * beans both run in their own clusters over real UDP and TCP on loopback, with health, the
 * endpoint and metrics for each; two bare {@link Memberlist} beans fail start-up with a report
 * that says how.
 */
@ExtendWith(OutputCaptureExtension.class)
class SeveralNodesTests {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    MemberlistAutoConfiguration.class,
                    MemberlistMetricsAutoConfiguration.class,
                    MemberlistHealthContributorAutoConfiguration.class,
                    MemberlistEndpointAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=memberlist")
            .withUserConfiguration(TwoPoolsConfiguration.class);

    @Test
    void twoNodeBeansEachRunInTheirOwnClusterAndAreShownEach() {
        this.contextRunner.withPropertyValues("test.dc=dc1").run((dc1) -> {
            assertThat(dc1).hasNotFailed();
            this.contextRunner
                    .withPropertyValues(
                            "test.dc=dc2", "test.lan-seed=" + seed(dc1, "lan"), "test.wan-seed=" + seed(dc1, "wan"))
                    .run((dc2) -> {
                        assertThat(dc2).hasNotFailed();
                        // each pool is a cluster of its own: the labels keep them apart
                        await().atMost(PATIENCE).untilAsserted(() -> {
                            assertThat(memberNames(dc2, "lan")).containsExactlyInAnyOrder("dc1-lan", "dc2-lan");
                            assertThat(memberNames(dc2, "wan")).containsExactlyInAnyOrder("dc1-wan", "dc2-wan");
                            assertThat(memberNames(dc1, "lan")).containsExactlyInAnyOrder("dc1-lan", "dc2-lan");
                            assertThat(memberNames(dc1, "wan")).containsExactlyInAnyOrder("dc1-wan", "dc2-wan");
                        });

                        // health: one indicator per node, by bean name
                        CompositeHealthContributor health =
                                dc2.getBean("memberlistHealthContributor", CompositeHealthContributor.class);
                        assertThat(health.stream()).extracting((c) -> c.name()).containsExactlyInAnyOrder("lan", "wan");
                        for (String pool : List.of("lan", "wan")) {
                            HealthIndicator indicator = (HealthIndicator) health.getContributor(pool);
                            assertThat(indicator).isInstanceOf(MemberlistHealthIndicator.class);
                            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
                            assertThat(indicator.health().getDetails()).containsEntry("name", "dc2-" + pool);
                        }

                        // the endpoint: every node by bean name, one node, one member as one node knows it
                        assertThat(dc2).doesNotHaveBean(MemberlistEndpoint.class);
                        MemberlistNodesEndpoint endpoint = dc2.getBean(MemberlistNodesEndpoint.class);
                        assertThat(endpoint.nodes().nodes()).containsOnlyKeys("lan", "wan");
                        assertThat(endpoint.nodes().nodes().get("wan").members())
                                .extracting(MemberDescriptor::name)
                                .containsExactly("dc1-wan", "dc2-wan");
                        assertThat(endpoint.node("lan").local().name()).isEqualTo("dc2-lan");
                        assertThat(endpoint.node("moon")).isNull();
                        assertThat(endpoint.member("lan", "dc1-lan")).isNotNull();
                        assertThat(endpoint.member("lan", "dc1-wan")).isNull();

                        // metrics: each node's gauges and engine meters, told apart by the node tag
                        MeterRegistry registry = dc2.getBean(MeterRegistry.class);
                        for (String pool : List.of("lan", "wan")) {
                            String name = "dc2-" + pool;
                            assertThat(registry.get("memberlist.node.instances")
                                            .tag(MemberlistMetrics.NODE_TAG, name)
                                            .tag("node.state", "alive")
                                            .gauge()
                                            .value())
                                    .isEqualTo(2);
                            await().atMost(PATIENCE)
                                    .untilAsserted(() -> assertThat(registry.find("memberlist.msg.alive")
                                                    .tag(MemberlistMetrics.NODE_TAG, name)
                                                    .counter())
                                            .isNotNull());
                        }
                    });
            // dc2 closed: both its nodes left gracefully, each from its own pool
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(state(dc1, "lan", "dc2-lan")).isEqualTo("left");
                assertThat(state(dc1, "wan", "dc2-wan")).isEqualTo("left");
            });
        });
    }

    @Test
    void twoBareMemberlistBeansFailStartupWithAReportThatNamesTheFix(CapturedOutput output) {
        SpringApplication application = new SpringApplication(TwoEngineNodesApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatException().isThrownBy(() -> application.run("--spring.main.banner-mode=off"));
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("2 Memberlist beans [lan, wan]")
                .contains("Define a MemberlistNode bean for each node");
    }

    private static String seed(AssertableApplicationContext context, String pool) {
        return "127.0.0.1:"
                + context.getBean(pool, MemberlistNode.class)
                        .getMemberlist()
                        .advertiseAddress()
                        .getPort();
    }

    private static List<String> memberNames(AssertableApplicationContext context, String pool) {
        return context.getBean(pool, MemberlistNode.class).getMemberlist().members().stream()
                .map(Node::name)
                .toList();
    }

    private static String state(AssertableApplicationContext context, String pool, String member) {
        MemberDescriptor descriptor =
                context.getBean(MemberlistNodesEndpoint.class).member(pool, member);
        return (descriptor != null) ? descriptor.state() : "unknown";
    }

    /** On loopback, port 0, each pool with its own label so that a wrong seed cannot merge them. */
    static Config config(String name, String pool) {
        return Config.local()
                .setName(name)
                .setLabel(pool)
                .setBindAddr("127.0.0.1")
                .setAdvertiseAddr("127.0.0.1")
                .setBindPort(0);
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoPoolsConfiguration {

        @Bean
        MemberlistNode lan(Environment environment, ObjectProvider<MeterRegistry> registry) {
            return node(environment, "lan", registry);
        }

        @Bean
        MemberlistNode wan(Environment environment, ObjectProvider<MeterRegistry> registry) {
            return node(environment, "wan", registry);
        }

        private static MemberlistNode node(
                Environment environment, String pool, ObjectProvider<MeterRegistry> registry) {
            Config config = config(environment.getRequiredProperty("test.dc") + "-" + pool, pool);
            config.setMetrics(new MemberlistMetrics(registry.getObject(), config::getName));
            String seed = environment.getProperty("test." + pool + "-seed");
            return new MemberlistNode(
                    () -> Memberlist.prepare(config),
                    (seed != null) ? List.of(seed) : List.of(),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(5));
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TwoEngineNodesApplication {

        @Bean
        Memberlist lan() {
            return create(config("lan", "lan"));
        }

        @Bean
        Memberlist wan() {
            return create(config("wan", "wan"));
        }

        private static Memberlist create(Config config) {
            try {
                return Memberlist.create(config);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }
}
