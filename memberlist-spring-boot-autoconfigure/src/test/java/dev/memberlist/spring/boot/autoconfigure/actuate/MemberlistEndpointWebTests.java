package dev.memberlist.spring.boot.autoconfigure.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.NodeState;
import dev.memberlist.engine.interop.Ports;
import dev.memberlist.spring.boot.MemberlistTags;
import dev.memberlist.spring.boot.event.MemberFailedEvent;
import dev.memberlist.spring.boot.event.MemberLeftEvent;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code memberlist} endpoint over HTTP in real web applications on loopback: read-only
 * unless access is unrestricted, failed writes are not 200, and a 3-node encrypted cluster
 * rotates its key through the endpoint without anyone being suspected.
 */
class MemberlistEndpointWebTests {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @AfterEach
    void closeAll() {
        this.contexts.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void readOnlyUntilAccessIsUnrestricted() {
        ConfigurableApplicationContext readOnly = start("reader", null);
        Answer list = call(readOnly, HttpMethod.GET, "/actuator/memberlist", null);
        assertThat(list.status()).isEqualTo(200);
        JsonNode summary = list.json().path("summary");
        assertThat(summary.path("name").asString()).isEqualTo("reader");
        assertThat(summary.path("members").path("alive").asInt()).isEqualTo(1);
        assertThat(summary.path("encrypted").asBoolean()).isFalse();
        assertThat(summary.path("label").asString()).isEqualTo("");
        assertThat(summary.path("protocolVersion").asInt())
                .isEqualTo(readOnly.getBean(Memberlist.class).protocolVersion());
        assertThat(summary.path("joined").asBoolean()).isTrue();
        Answer one = call(readOnly, HttpMethod.GET, "/actuator/memberlist/reader", null);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().path("name").asString()).isEqualTo("reader");
        assertThat(call(readOnly, HttpMethod.GET, "/actuator/memberlist/nobody", null)
                        .status())
                .isEqualTo(404);

        // what Boot answers for operations a read-only endpoint does not map
        assertThat(call(readOnly, HttpMethod.POST, "/actuator/memberlist", Map.of("seeds", "127.0.0.1:1"))
                        .status())
                .isIn(403, 405);
        assertThat(call(readOnly, HttpMethod.DELETE, "/actuator/memberlist", null)
                        .status())
                .isIn(403, 405);
        assertThat(call(readOnly, HttpMethod.POST, "/actuator/memberlist/tags/zone", Map.of("value", "b"))
                        .status())
                .isIn(403, 404, 405);
        assertThat(call(readOnly, HttpMethod.DELETE, "/actuator/memberlist/keys/0011223344556677", null)
                        .status())
                .isIn(403, 404, 405);
        Memberlist node = readOnly.getBean(Memberlist.class);
        assertThat(node.isRunning()).isTrue();
        assertThat(node.hasLeft()).isFalse();

        ConfigurableApplicationContext writable =
                start("writer", null, "management.endpoint.memberlist.access=unrestricted");
        Answer tag = call(writable, HttpMethod.POST, "/actuator/memberlist/tags/zone", Map.of("value", "b"));
        assertThat(tag.status()).isEqualTo(200);
        assertThat(tag.json().path("tags").path("zone").asString()).isEqualTo("b");
        // the node's own record changes on its strand, after the answer: poll
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                        MemberlistTags.of(writable.getBean(Memberlist.class).localNode()))
                .containsEntry("zone", "b"));
        // failed writes are not 200: a seed that does not answer, a key on an unencrypted node, a bad target
        assertThat(call(
                                writable,
                                HttpMethod.POST,
                                "/actuator/memberlist",
                                Map.of("seeds", "127.0.0.1:" + Ports.freeRange(1)))
                        .status())
                .isGreaterThanOrEqualTo(500);
        assertThat(call(writable, HttpMethod.POST, "/actuator/memberlist/keys", Map.of("key", key(1)))
                        .status())
                .isEqualTo(400);
        assertThat(call(writable, HttpMethod.POST, "/actuator/memberlist/colours/red", Map.of("value", "x"))
                        .status())
                .isEqualTo(400);
        Answer leave = call(writable, HttpMethod.DELETE, "/actuator/memberlist", null);
        assertThat(leave.status()).isEqualTo(200);
        assertThat(leave.json().path("left").asBoolean()).isTrue();
    }

    @Test
    void keyRotationThroughTheEndpointMovesAnEncryptedClusterFromKeyAToKeyBAndNobodyIsSuspected() throws Exception {
        String keyA = key(0xA);
        String keyB = key(0xB);
        String[] encrypted = {"memberlist.encryption.keys=" + keyA, "management.endpoint.memberlist.access=unrestricted"
        };
        ConfigurableApplicationContext n1 = start("n1", null, encrypted);
        String seed =
                "127.0.0.1:" + n1.getBean(Memberlist.class).advertiseAddress().getPort();
        ConfigurableApplicationContext n2 = start("n2", seed, encrypted);
        ConfigurableApplicationContext n3 = start("n3", seed, encrypted);
        List<ConfigurableApplicationContext> nodes = List.of(n1, n2, n3);
        await().atMost(PATIENCE).untilAsserted(() -> {
            for (ConfigurableApplicationContext node : nodes) {
                assertThat(node.getBean(Memberlist.class).numMembers()).isEqualTo(3);
            }
        });

        // every node's view of every other, sampled throughout: anything but alive is a failure
        List<String> notAlive = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                for (ConfigurableApplicationContext node : nodes) {
                    Memberlist m = node.getBean(Memberlist.class);
                    m.nodes().stream()
                            .filter((n) -> n.state() != NodeState.ALIVE)
                            .forEach((n) -> notAlive.add(m.name() + " saw " + n.name() + " " + n.state()));
                }
                Thread.onSpinWait();
            }
        });
        watcher.start();
        List<String> bodies = new ArrayList<>();
        try {
            String fingerprintA = fingerprint(keyA);
            String fingerprintB = fingerprint(keyB);
            for (ConfigurableApplicationContext node : nodes) {
                Answer installed = call(node, HttpMethod.POST, "/actuator/memberlist/keys", Map.of("key", keyB));
                bodies.add(installed.body());
                assertThat(installed.status()).isEqualTo(200);
                assertThat(installed.json().path("primary").asString()).isEqualTo(fingerprintA);
            }
            for (ConfigurableApplicationContext node : nodes) {
                Answer used = call(node, HttpMethod.POST, "/actuator/memberlist/keys/" + fingerprintB, Map.of());
                bodies.add(used.body());
                assertThat(used.status()).isEqualTo(200);
                assertThat(used.json().path("primary").asString()).isEqualTo(fingerprintB);
            }
            for (ConfigurableApplicationContext node : nodes) {
                Answer removed = call(node, HttpMethod.DELETE, "/actuator/memberlist/keys/" + fingerprintA, null);
                bodies.add(removed.body());
                assertThat(removed.status()).isEqualTo(200);
                assertThat(removed.json().path("keys").values())
                        .extracting(JsonNode::asString)
                        .containsExactly(fingerprintB);
            }
            // the primary key cannot go
            Answer refused = call(n1, HttpMethod.DELETE, "/actuator/memberlist/keys/" + fingerprintB, null);
            bodies.add(refused.body());
            assertThat(refused.status()).isEqualTo(400);
            for (ConfigurableApplicationContext node : nodes) {
                Answer read = call(node, HttpMethod.GET, "/actuator/memberlist", null);
                bodies.add(read.body());
                assertThat(read.json().path("summary").path("encrypted").asBoolean())
                        .isTrue();
                assertThat(read.json().path("summary").path("keys").values())
                        .extracting(JsonNode::asString)
                        .containsExactly(fingerprintB);
            }
            // the cluster talks on key B alone: a tag change still reaches everyone
            n3.getBean(MemberlistTags.class).put("rotated", "yes");
            await().atMost(PATIENCE).untilAsserted(() -> {
                for (ConfigurableApplicationContext node : List.of(n1, n2)) {
                    assertThat(MemberlistTags.of(node.getBean(Memberlist.class).node("n3")))
                            .containsEntry("rotated", "yes");
                }
            });
            // several probe rounds on key B alone (local profile: one a second): nothing undecryptable arrives
            long dropped = n1.getBean(Memberlist.class).droppedPackets();
            await().during(Duration.ofSeconds(3))
                    .atMost(PATIENCE)
                    .until(() -> n1.getBean(Memberlist.class).droppedPackets() == dropped);
        } finally {
            watching.set(false);
            watcher.join();
        }
        assertThat(notAlive).isEmpty();
        for (ConfigurableApplicationContext node : nodes) {
            assertThat(node.getBean(Events.class).trouble).isEmpty();
        }
        // no answer ever carried a key, in base64 or in hex
        for (String body : bodies) {
            for (String key : List.of(keyA, keyB)) {
                assertThat(body)
                        .doesNotContain(key)
                        .doesNotContainIgnoringCase(
                                HexFormat.of().formatHex(Base64.getDecoder().decode(key)));
            }
        }
    }

    private static String key(int fill) {
        byte[] key = new byte[16];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (fill + i);
        }
        return Base64.getEncoder().encodeToString(key);
    }

    private static String fingerprint(String base64) throws Exception {
        byte[] digest =
                MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(base64));
        return HexFormat.of().formatHex(digest, 0, 8);
    }

    private ConfigurableApplicationContext start(String name, String seed, String... more) {
        List<String> properties = new ArrayList<>(List.of(
                "server.port=0",
                "server.address=127.0.0.1",
                "memberlist.name=" + name,
                "memberlist.profile=local",
                "memberlist.bind-address=127.0.0.1",
                "memberlist.advertise-address=127.0.0.1",
                "memberlist.bind-port=0",
                "management.endpoints.web.exposure.include=memberlist",
                "spring.main.banner-mode=off"));
        if (seed != null) {
            properties.add("memberlist.seeds=" + seed);
        }
        properties.addAll(List.of(more));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApplication.class)
                .properties(properties.toArray(String[]::new))
                .run();
        this.contexts.add(context);
        return context;
    }

    private static Answer call(
            ConfigurableApplicationContext context, HttpMethod method, String path, Map<String, ?> body) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        RestClient.RequestBodySpec request =
                RestClient.create("http://127.0.0.1:" + port).method(method).uri(path);
        if (body != null) {
            request.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        return request.exchange((req, response) -> {
            try (InputStream in = response.getBody()) {
                return new Answer(
                        response.getStatusCode().value(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        });
    }

    record Answer(int status, String body) {

        JsonNode json() {
            return JSON.readTree(this.body);
        }
    }

    static class Events {

        final List<String> trouble = new CopyOnWriteArrayList<>();

        @EventListener
        void on(MemberFailedEvent event) {
            this.trouble.add("failed " + event.getNode().name());
        }

        @EventListener
        void on(MemberLeftEvent event) {
            this.trouble.add("left " + event.getNode().name());
        }
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class WebApplication {

        @Bean
        Events events() {
            return new Events();
        }
    }
}
