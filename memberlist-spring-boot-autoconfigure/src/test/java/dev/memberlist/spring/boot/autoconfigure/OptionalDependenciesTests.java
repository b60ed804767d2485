package dev.memberlist.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.spring.boot.actuate.endpoint.MemberlistEndpoint;
import dev.memberlist.spring.boot.autoconfigure.actuate.MemberlistEndpointAutoConfiguration;
import dev.memberlist.spring.boot.autoconfigure.health.MemberlistHealthContributorAutoConfiguration;
import dev.memberlist.spring.boot.autoconfigure.metrics.MemberlistMetricsAutoConfiguration;
import dev.memberlist.spring.boot.health.MemberlistHealthIndicator;
import dev.memberlist.spring.boot.metrics.MemberlistMeterBinder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The node starts whether or not actuator and Micrometer are on the classpath; the endpoint,
 * health and metrics come and go with them.
 */
class OptionalDependenciesTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    MemberlistAutoConfiguration.class,
                    MemberlistEndpointAutoConfiguration.class,
                    MemberlistHealthContributorAutoConfiguration.class,
                    MemberlistMetricsAutoConfiguration.class))
            .withUserConfiguration(MeterRegistryConfiguration.class)
            .withPropertyValues(MemberlistAutoConfigurationTests.LOOPBACK)
            .withPropertyValues("management.endpoints.web.exposure.include=memberlist");

    @Test
    void everythingWhenEverythingIsThere() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(Memberlist.class);
            assertThat(context).hasSingleBean(MemberlistEndpoint.class);
            assertThat(context).hasSingleBean(MemberlistHealthIndicator.class);
            assertThat(context).hasSingleBean(MemberlistMeterBinder.class);
            assertThat(context).hasBean("memberlistMetricsCustomizer");
        });
    }

    @Test
    void withoutActuator() {
        this.contextRunner
                .withClassLoader(
                        new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health"))
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Memberlist.class).isRunning()).isTrue();
                    assertThat(context).doesNotHaveBean(MemberlistEndpoint.class);
                    assertThat(context).doesNotHaveBean(MemberlistHealthIndicator.class);
                    assertThat(context).hasSingleBean(MemberlistMeterBinder.class);
                });
    }

    @Test
    void withoutMicrometer() {
        this.contextRunner
                .withClassLoader(new FilteredClassLoader("io.micrometer"))
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Memberlist.class).isRunning()).isTrue();
                    assertThat(context).doesNotHaveBean(MemberlistMeterBinder.class);
                    assertThat(context).doesNotHaveBean("memberlistMetricsCustomizer");
                    assertThat(context).hasSingleBean(MemberlistEndpoint.class);
                });
    }

    @Test
    void withNeither() {
        this.contextRunner
                .withClassLoader(new FilteredClassLoader(
                        "io.micrometer", "org.springframework.boot.actuate", "org.springframework.boot.health"))
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Memberlist.class).isRunning()).isTrue();
                    assertThat(context).doesNotHaveBean(MemberlistEndpoint.class);
                    assertThat(context).doesNotHaveBean(MemberlistHealthIndicator.class);
                    assertThat(context).doesNotHaveBean(MemberlistMeterBinder.class);
                });
    }

    @Test
    void healthIndicatorCanBeDisabled() {
        this.contextRunner
                .withPropertyValues("management.health.memberlist.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(MemberlistHealthIndicator.class));
    }

    @Test
    void theHealthIndicatorSwitchIsInTheConfigurationMetadata() throws IOException {
        String ours = null;
        Enumeration<URL> all = getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json");
        while (all.hasMoreElements()) {
            try (InputStream in = all.nextElement().openStream()) {
                String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (json.contains("\"memberlist.seeds\"")) {
                    ours = json;
                }
            }
        }
        assertThat(ours)
                .contains("\"name\": \"management.health.memberlist.enabled\"")
                .contains("\"name\": \"memberlist.health.require-join\"")
                .contains("\"name\": \"memberlist.health.health-score-threshold\"")
                .contains("\"name\": \"memberlist.join-fail-fast\"");
    }

    @Test
    void endpointNeedsExposure() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        MemberlistAutoConfiguration.class, MemberlistEndpointAutoConfiguration.class))
                .withPropertyValues(MemberlistAutoConfigurationTests.LOOPBACK)
                .run((context) -> assertThat(context).doesNotHaveBean(MemberlistEndpoint.class));
    }

    @Test
    void nothingWhenDisabled() {
        this.contextRunner.withPropertyValues("memberlist.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(Memberlist.class);
            assertThat(context).doesNotHaveBean(MemberlistEndpoint.class);
            assertThat(context).doesNotHaveBean(MemberlistHealthIndicator.class);
            assertThat(context).doesNotHaveBean(MemberlistMeterBinder.class);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class MeterRegistryConfiguration {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
