package dev.memberlist.spring.boot.autoconfigure.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.MemberlistException;
import dev.memberlist.engine.interop.Ports;
import dev.memberlist.spring.boot.actuate.endpoint.MemberlistEndpoint;
import dev.memberlist.spring.boot.actuate.endpoint.MemberlistEndpoint.MemberDescriptor;
import dev.memberlist.spring.boot.actuate.endpoint.MemberlistEndpoint.MemberlistDescriptor;
import dev.memberlist.spring.boot.autoconfigure.MemberlistAutoConfiguration;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.json.JsonMapper;

/** Tests for {@link MemberlistEndpoint} on real nodes. */
class MemberlistEndpointTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(MemberlistAutoConfiguration.class, MemberlistEndpointAutoConfiguration.class))
            .withPropertyValues(
                    "management.endpoints.web.exposure.include=memberlist",
                    "memberlist.bind-address=127.0.0.1",
                    "memberlist.advertise-address=127.0.0.1",
                    "memberlist.bind-port=0",
                    "memberlist.profile=local");

    @Test
    void readListsLocalAndEveryKnownNodeSortedByName() {
        this.contextRunner
                .withPropertyValues("memberlist.name=b-node", "memberlist.tags.zone=eu-1")
                .run((b) -> {
                    int port = b.getBean(Memberlist.class).advertiseAddress().getPort();
                    this.contextRunner
                            .withPropertyValues("memberlist.name=a-node", "memberlist.seeds=127.0.0.1:" + port)
                            .run((a) -> {
                                MemberlistEndpoint endpoint = a.getBean(MemberlistEndpoint.class);
                                MemberlistDescriptor read = endpoint.memberlist();
                                assertThat(read.local().name()).isEqualTo("a-node");
                                assertThat(read.healthScore()).isZero();
                                assertThat(read.members())
                                        .extracting(MemberDescriptor::name)
                                        .containsExactly("a-node", "b-node");
                                MemberDescriptor member = read.members().get(1);
                                assertThat(member.address()).isEqualTo("127.0.0.1");
                                assertThat(member.port()).isEqualTo(port);
                                assertThat(member.state()).isEqualTo("alive");
                                assertThat(member.incarnation()).isPositive();
                                assertThat(member.tags()).isEqualTo(Map.of("zone", "eu-1"));
                                assertThat(member.meta()).isNull();
                                assertThat(member.protocol().current()).isEqualTo(2);
                                assertThat(member.protocol().min()).isEqualTo(1);
                                assertThat(member.protocol().max()).isEqualTo(5);
                            });
                    // a-node left: b still lists it, as left
                    await().atMost(Duration.ofSeconds(20))
                            .untilAsserted(() -> assertThat(b.getBean(MemberlistEndpoint.class)
                                            .memberlist()
                                            .members())
                                    .filteredOn((m) -> m.name().equals("a-node"))
                                    .extracting(MemberDescriptor::state)
                                    .containsExactly("left"));
                });
    }

    @Test
    void nonTagMetadataIsShownAsText() {
        this.contextRunner.withUserConfiguration(TextMetaConfiguration.class).run((context) -> {
            MemberDescriptor local =
                    context.getBean(MemberlistEndpoint.class).memberlist().local();
            assertThat(local.tags()).isNull();
            assertThat(local.meta()).isEqualTo("role=web");
        });
    }

    @Test
    void neverShowsKeys() {
        String key =
                Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        this.contextRunner
                .withPropertyValues("memberlist.encryption.keys=" + key)
                .run((context) -> {
                    String json = JsonMapper.builder()
                            .build()
                            .writeValueAsString(
                                    context.getBean(MemberlistEndpoint.class).memberlist());
                    // fingerprints only: never the key, in base64 or in hex
                    assertThat(json)
                            .doesNotContain(key)
                            .doesNotContainIgnoringCase(java.util.HexFormat.of()
                                    .formatHex(Base64.getDecoder().decode(key)))
                            .contains("\"keys\":[\""
                                    + MemberlistEndpoint.fingerprint(
                                            Base64.getDecoder().decode(key)) + "\"]");
                    assertThat(json)
                            .contains("\"healthScore\"")
                            .contains("\"members\"")
                            .contains("\"local\"");
                });
    }

    @Test
    void writeJoinsSeedsAndDeleteLeaves() {
        this.contextRunner.withPropertyValues("memberlist.name=one").run((one) -> {
            int port = one.getBean(Memberlist.class).advertiseAddress().getPort();
            this.contextRunner.withPropertyValues("memberlist.name=two").run((two) -> {
                MemberlistEndpoint endpoint = two.getBean(MemberlistEndpoint.class);
                assertThat(endpoint.join(List.of("127.0.0.1:" + port)))
                        .isEqualTo(new MemberlistEndpoint.JoinDescriptor(1));
                assertThat(endpoint.memberlist().members())
                        .extracting(MemberDescriptor::name)
                        .containsExactly("one", "two");
                assertThat(endpoint.leave().left()).isTrue();
                assertThat(two.getBean(Memberlist.class).isShutdown()).isTrue();
                await().atMost(Duration.ofSeconds(20))
                        .untilAsserted(() -> assertThat(one.getBean(MemberlistEndpoint.class)
                                        .memberlist()
                                        .members())
                                .filteredOn((m) -> m.name().equals("two"))
                                .extracting(MemberDescriptor::state)
                                .containsExactly("left"));
            });
        });
    }

    @Test
    void failedJoinFailsTheOperationAndSaysWhy() {
        int port = Ports.freeRange(1);
        this.contextRunner.run((context) -> assertThatExceptionOfType(MemberlistException.class)
                .isThrownBy(() -> context.getBean(MemberlistEndpoint.class).join(List.of("127.0.0.1:" + port)))
                .withMessageContaining("127.0.0.1:" + port));
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class TextMetaConfiguration {

        @org.springframework.context.annotation.Bean
        dev.memberlist.engine.delegate.NodeDelegate textMeta() {
            return new dev.memberlist.engine.delegate.NodeDelegate() {
                @Override
                public byte[] nodeMeta(int limit) {
                    return "role=web".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
            };
        }
    }
}
