package dev.memberlist.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.spring.boot.MemberlistStartupException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Bad {@code memberlist.*} values fail start-up with a message that names the property and
 * says what it allows.
 */
@ExtendWith(OutputCaptureExtension.class)
class MemberlistPropertiesValidationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MemberlistAutoConfiguration.class))
            .withPropertyValues(MemberlistAutoConfigurationTests.LOOPBACK);

    @Test
    void badProfile() {
        assertStartupFailure("memberlist.profile=moon", "memberlist.profile", "moon");
    }

    @Test
    void keyThatIsNotBase64() {
        assertStartupFailure(
                "memberlist.encryption.keys[0]=not*base64!", "memberlist.encryption.keys[0]", "must be base64");
    }

    @Test
    void keyOfWrongLength() {
        String tenBytes = Base64.getEncoder().encodeToString(new byte[10]);
        String good = Base64.getEncoder().encodeToString(new byte[16]);
        this.contextRunner
                .withPropertyValues("memberlist.encryption.keys=" + good + "," + tenBytes)
                .run((context) -> assertThat(messages(context.getStartupFailure()))
                        .contains("memberlist.encryption.keys[1]")
                        .contains("must decode to 16, 24 or 32 bytes")
                        .contains("got 10"));
    }

    @Test
    void negativeDuration() {
        assertStartupFailure(
                "memberlist.probe-interval=-1s", "memberlist.probe-interval", "must be a positive duration");
        assertStartupFailure(
                "memberlist.gossip-to-the-dead-time=-5s", "memberlist.gossip-to-the-dead-time", "must not be negative");
        assertStartupFailure("memberlist.leave-timeout=0s", "memberlist.leave-timeout", "must be a positive duration");
    }

    @Test
    void seedsAndNameServersThatCannotBeLookedUp() {
        assertStartupFailure("memberlist.seeds=dns+srv://", "memberlist.seeds[0]", "dns+srv://");
        assertStartupFailure("memberlist.seeds=10.0.0.1:7946,seeds.example.com:http", "memberlist.seeds[1]", "port");
        assertStartupFailure("memberlist.dns-servers=127.0.0.1:99999", "memberlist.dns-servers[0]", "port");
        assertStartupFailure("memberlist.rejoin-interval=-1s", "memberlist.rejoin-interval", "must not be negative");
    }

    @Test
    void portOutOfRange() {
        assertStartupFailure("memberlist.bind-port=70000", "memberlist.bind-port", "must be between 0 and 65535");
        assertStartupFailure(
                "memberlist.advertise-port=-1", "memberlist.advertise-port", "must be between 0 and 65535");
    }

    @Test
    void otherRanges() {
        assertStartupFailure("memberlist.protocol-version=9", "memberlist.protocol-version", "between 1 and 5");
        assertStartupFailure("memberlist.suspicion-mult=0", "memberlist.suspicion-mult", "at least 1");
        assertStartupFailure("memberlist.cidrs-allowed=10.0.0.0", "memberlist.cidrs-allowed[0]", "CIDR notation");
        assertStartupFailure("memberlist.label=" + "x".repeat(300), "memberlist.label", "at most 255 bytes");
        assertStartupFailure("memberlist.tags.big=" + "x".repeat(600), "memberlist.tags", "more than meta-max-size");
    }

    @Test
    void engineRejectsWhatACustomizerBroke() {
        this.contextRunner.withUserConfiguration(BadCustomizer.class).run((context) -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            assertThat(messages(failure)).contains("udpBufferSize must be in [64, 65507], got 10");
            MemberlistStartupException cause = find(failure, MemberlistStartupException.class);
            assertThat(cause.getProperty()).isEqualTo("memberlist.udp-buffer-size");
            FailureAnalysis analysis = new MemberlistStartupFailureAnalyzer().analyze(failure);
            assertThat(analysis.getDescription()).contains("Invalid memberlist configuration");
            assertThat(analysis.getAction()).contains("'memberlist.udp-buffer-size'");
        });
    }

    @Test
    void oversizedMetadataFromADelegateFailsStartup() {
        this.contextRunner.withUserConfiguration(OversizedMeta.class).run((context) -> {
            assertThat(context).hasFailed();
            MemberlistStartupException cause = find(context.getStartupFailure(), MemberlistStartupException.class);
            assertThat(cause.getMessage())
                    .contains("Invalid memberlist configuration")
                    .contains("600 bytes");
            // the engine finds it only when it announces the node; the analysis names the property
            FailureAnalysis analysis = new MemberlistStartupFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getAction()).contains("'memberlist.tags'");
        });
    }

    @Test
    void anAddressOfNoInterfaceIsABindAddressProblem() {
        // TEST-NET-1 (RFC 5737): no interface of this machine has it
        this.contextRunner
                .withPropertyValues("memberlist.bind-address=192.0.2.1", "memberlist.advertise-address=192.0.2.1")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis =
                            new MemberlistStartupFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("could not bind");
                    assertThat(analysis.getAction())
                            .contains("'memberlist.bind-address'")
                            .doesNotContain("bind-port");
                });
    }

    @Test
    void portInUseFailsWithTheAddressAndProperty() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            this.contextRunner
                    .withPropertyValues("memberlist.bind-port=" + port)
                    .run((context) -> {
                        assertThat(context).hasFailed();
                        MemberlistStartupException cause =
                                find(context.getStartupFailure(), MemberlistStartupException.class);
                        assertThat(cause.getMessage())
                                .contains("could not bind")
                                .contains(String.valueOf(port));
                        FailureAnalysis analysis =
                                new MemberlistStartupFailureAnalyzer().analyze(context.getStartupFailure());
                        assertThat(analysis.getAction()).contains("'memberlist.bind-port'");
                    });
        }
    }

    @Test
    void startupReportNamesThePropertyAndWhatIsAllowed(CapturedOutput output) {
        SpringApplication application = new SpringApplication(ReportApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatException()
                .isThrownBy(() -> application.run(
                        "--memberlist.bind-address=127.0.0.1",
                        "--memberlist.bind-port=70000",
                        "--spring.main.banner-mode=off"));
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Value: \"70000\"")
                .contains("Origin: \"memberlist.bind-port\"")
                .contains("Reason: memberlist.bind-port must be between 0 and 65535, got 70000");
    }

    @Test
    void startupReportForABadProfileListsTheProfiles(CapturedOutput output) {
        SpringApplication application = new SpringApplication(ReportApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatException()
                .isThrownBy(() -> application.run(
                        "--memberlist.bind-address=127.0.0.1",
                        "--memberlist.profile=moon",
                        "--spring.main.banner-mode=off"));
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("memberlist.profile")
                .contains("LAN")
                .contains("WAN")
                .contains("LOCAL");
    }

    private void assertStartupFailure(String property, String... expected) {
        this.contextRunner.withPropertyValues(property).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains(expected);
        });
    }

    /** Every message along the cause chain: what a start-up failure report is made of. */
    static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + failure);
    }

    @Configuration(proxyBeanMethods = false)
    static class BadCustomizer {

        @Bean
        MemberlistConfigCustomizer tooSmallBuffer() {
            return (config) -> config.setUdpBufferSize(10);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OversizedMeta {

        @Bean
        NodeDelegate oversized() {
            return new NodeDelegate() {
                @Override
                public byte[] nodeMeta(int limit) {
                    return new byte[600];
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(MemberlistAutoConfiguration.class)
    static class ReportApplication {}
}
