package dev.memberlist.spring.boot.autoconfigure.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.interop.GoPeer;
import dev.memberlist.engine.interop.Ports;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * The {@code memberlist} endpoint and health over HTTP, in a web application whose node shares
 * a cluster with HashiCorp's Go memberlist.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "memberlist.name=spring-web",
            "memberlist.profile=local",
            "memberlist.bind-address=127.0.0.1",
            "memberlist.advertise-address=127.0.0.1",
            "memberlist.bind-port=0",
            "memberlist.encryption.keys=AAECAwQFBgcICQoLDA0ODw==",
            "management.endpoints.web.exposure.include=memberlist,health",
            "management.endpoint.memberlist.access=unrestricted",
            "management.endpoint.health.show-details=always"
        })
class MemberlistEndpointHttpTests {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {};

    @LocalServerPort
    int httpPort;

    @Autowired
    Memberlist memberlist;

    @Test
    @SuppressWarnings("unchecked")
    void readJoinLeaveAndHealthOverHttp() {
        RestClient http = RestClient.create("http://127.0.0.1:" + this.httpPort);
        int springPort = this.memberlist.advertiseAddress().getPort();
        int goPort = Ports.freeRange(1);
        try (GoPeer go = GoPeer.start(
                "-nodes", "1",
                "-name", "go",
                "-port", String.valueOf(goPort),
                "-bind", "127.0.0.1",
                "-profile", "local",
                "-keys", "AAECAwQFBgcICQoLDA0ODw==",
                "-join", "127.0.0.1:" + springPort)) {
            go.await(GoPeer.event("joined", "self", "go", "contacted", "1"), PATIENCE);

            await().atMost(PATIENCE).untilAsserted(() -> {
                String body = http.get().uri("/actuator/memberlist").retrieve().body(String.class);
                assertThat(body).doesNotContain("AAECAwQFBgcICQoLDA0ODw==");
                Map<String, Object> read =
                        http.get().uri("/actuator/memberlist").retrieve().body(JSON);
                assertThat(read).containsKeys("local", "healthScore", "members");
                assertThat((Map<String, Object>) read.get("local")).containsEntry("name", "spring-web");
                List<Map<String, Object>> members = (List<Map<String, Object>>) read.get("members");
                assertThat(members).extracting((m) -> m.get("name")).containsExactly("go", "spring-web");
                assertThat(members.get(0))
                        .containsEntry("state", "alive")
                        .containsEntry("address", "127.0.0.1")
                        .containsEntry("port", goPort)
                        .containsKeys("incarnation", "protocol", "tags")
                        .doesNotContainKey("meta");
            });

            Map<String, Object> health =
                    http.get().uri("/actuator/health/memberlist").retrieve().body(JSON);
            assertThat(health).containsEntry("status", "UP");
            assertThat((Map<String, Object>) health.get("details"))
                    .containsEntry("name", "spring-web")
                    .containsKeys("members", "healthScore", "address");

            // POST joins more seeds, given as one comma-separated string (actuator bodies are flat)
            Map<String, Object> join = http.post()
                    .uri("/actuator/memberlist")
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("seeds", "127.0.0.1:" + goPort + ",127.0.0.1:" + springPort))
                    .retrieve()
                    .body(JSON);
            assertThat(join).containsEntry("contacted", 2);

            // DELETE leaves: Go hears it as a leave, health goes OUT_OF_SERVICE
            Map<String, Object> leave =
                    http.delete().uri("/actuator/memberlist").retrieve().body(JSON);
            assertThat(leave).containsEntry("left", true);
            go.await(GoPeer.event("leave", "self", "go", "node", "spring-web"), PATIENCE);
            String down = http.get()
                    .uri("/actuator/health/memberlist")
                    .exchange(
                            (request, response) -> new String(response.getBody().readAllBytes()));
            assertThat(down).contains("\"OUT_OF_SERVICE\"").contains("left the cluster");
        }
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class WebApplication {}
}
