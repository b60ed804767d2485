package dev.memberlist.spring.cloud.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.spring.boot.MemberlistTags;
import dev.memberlist.spring.boot.autoconfigure.MemberlistAutoConfiguration;
import dev.memberlist.spring.cloud.discovery.autoconfigure.MemberlistDiscoveryAutoConfiguration;
import dev.memberlist.spring.cloud.discovery.autoconfigure.MemberlistReactiveDiscoveryAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;

/**
 * The auto-configuration: what it creates, what turns it off, and start-up failures that name
 * the property to fix.
 */
class DiscoveryConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    MemberlistAutoConfiguration.class,
                    MemberlistDiscoveryAutoConfiguration.class,
                    MemberlistReactiveDiscoveryAutoConfiguration.class))
            .withPropertyValues(
                    "memberlist.bind-address=127.0.0.1",
                    "memberlist.advertise-address=127.0.0.1",
                    "memberlist.bind-port=0",
                    "memberlist.profile=local");

    @Test
    void registersTheApplicationByTagsBeforeTheNodeStarts() {
        this.runner
                .withPropertyValues(
                        "spring.application.name=greeter",
                        "memberlist.tags.app=sample",
                        "memberlist.discovery.zone=eu-1",
                        "memberlist.discovery.metadata.version=2")
                .run((context) -> {
                    assertThat(context).hasSingleBean(MemberlistDiscoveryClient.class);
                    assertThat(context.getBean(MemberlistTags.class).get())
                            .containsEntry("app", "sample")
                            .containsEntry(DiscoveryTags.SERVICE, "greeter")
                            .containsEntry(DiscoveryTags.SECURE, "false")
                            .containsEntry(DiscoveryTags.ZONE, "eu-1")
                            .containsEntry("version", "2")
                            // no web server here: no port, so not an instance anyone calls
                            .doesNotContainKey(DiscoveryTags.PORT);
                    assertThat(context.getBean(DiscoveryClient.class).getServices())
                            .isEmpty();
                    assertThat(context.getBean(DiscoveryClient.class).getOrder())
                            .isZero();
                    // nothing to drain without a web server
                    assertThat(context).doesNotHaveBean(DrainLifecycle.class);
                });
    }

    @Test
    void theServiceIdPropertyWinsOverTheApplicationName() {
        this.runner
                .withPropertyValues("spring.application.name=app", "memberlist.discovery.service-id=greeter")
                .run((context) -> assertThat(context.getBean(MemberlistServiceRegistration.class)
                                .getServiceId())
                        .isEqualTo("greeter"));
    }

    @Test
    void discoverOnlyWithRegisterFalse() {
        this.runner.withPropertyValues("memberlist.discovery.register=false").run((context) -> {
            assertThat(context).hasSingleBean(MemberlistDiscoveryClient.class);
            assertThat(context).doesNotHaveBean(MemberlistServiceRegistration.class);
            assertThat(context.getBean(MemberlistTags.class).get()).doesNotContainKey(DiscoveryTags.SERVICE);
        });
    }

    @Test
    void offWithEitherSwitch() {
        this.runner
                .withPropertyValues("spring.application.name=a", "memberlist.discovery.enabled=false")
                .run((context) -> assertThat(context)
                        .doesNotHaveBean(MemberlistDiscoveryClient.class)
                        .doesNotHaveBean(MemberlistServiceRegistration.class));
        this.runner
                .withPropertyValues("spring.application.name=a", "spring.cloud.discovery.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(MemberlistDiscoveryClient.class));
        this.runner
                .withPropertyValues("spring.application.name=a", "memberlist.enabled=false")
                .run((context) -> assertThat(context).doesNotHaveBean(MemberlistDiscoveryClient.class));
    }

    @Test
    void theReactiveClientNeedsSpringCloudsReactiveDiscovery() {
        this.runner.withPropertyValues("spring.application.name=a").run((context) -> assertThat(context)
                .hasSingleBean(ReactiveDiscoveryClient.class));
        this.runner
                .withPropertyValues("spring.application.name=a", "spring.cloud.discovery.reactive.enabled=false")
                .run((context) -> assertThat(context)
                        .doesNotHaveBean(ReactiveDiscoveryClient.class)
                        .hasSingleBean(DiscoveryClient.class));
    }

    @Test
    void aServiceIdThatIsNoHostNameFailsStartUpNamingTheProperty() {
        this.runner.withPropertyValues("spring.application.name=my_app").run((context) -> assertThat(context)
                .getFailure()
                .rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("spring.application.name")
                .hasMessageContaining("my_app"));
        this.runner.withPropertyValues("memberlist.discovery.service-id=bad id").run((context) -> assertThat(context)
                .getFailure()
                .rootCause()
                .hasMessageContaining("memberlist.discovery.service-id"));
    }

    @Test
    void noServiceIdFailsStartUpNamingTheProperty() {
        this.runner.run((context) -> assertThat(context)
                .getFailure()
                .rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("spring.application.name"));
    }

    @Test
    void metadataThatWouldOverwriteTheRegistrationFailsStartUpNamingTheProperty() {
        this.runner
                .withPropertyValues("spring.application.name=a", "memberlist.discovery.metadata.port=80")
                .run((context) -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("memberlist.discovery.metadata.port"));
    }

    @Test
    void aNegativeDrainTimeFailsStartUpNamingTheProperty() {
        this.runner
                .withPropertyValues("spring.application.name=a", "memberlist.discovery.drain-time=-1s")
                .run((context) -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("memberlist.discovery.drain-time"));
    }

    @Test
    void theDrainStopsRightBeforeBootsGracefulShutdown() {
        assertThat(DrainLifecycle.PHASE).isEqualTo(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 1);
    }
}
