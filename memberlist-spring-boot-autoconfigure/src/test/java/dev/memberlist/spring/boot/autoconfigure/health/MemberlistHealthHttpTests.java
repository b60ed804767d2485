package dev.memberlist.spring.boot.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.spring.boot.MemberlistNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /actuator/health} as an orchestrator sees it: the first node of a new cluster, alone,
 * answers 200; after a deliberate leave the component is OUT_OF_SERVICE.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "server.address=127.0.0.1",
            "memberlist.name=first",
            "memberlist.profile=local",
            "memberlist.bind-address=127.0.0.1",
            "memberlist.advertise-address=127.0.0.1",
            "memberlist.bind-port=0",
            "management.endpoint.health.show-details=always"
        })
class MemberlistHealthHttpTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int httpPort;

    @Autowired
    MemberlistNode node;

    @Test
    void theFirstNodeAloneIsUpAndALeftOneOutOfService() {
        RestClient http = RestClient.create("http://127.0.0.1:" + this.httpPort);
        Answer alone = get(http, "/actuator/health");
        assertThat(alone.status()).isEqualTo(200);
        JsonNode memberlist = JSON.readTree(alone.body()).path("components").path("memberlist");
        assertThat(memberlist.path("status").asString()).isEqualTo("UP");
        assertThat(memberlist.path("details").path("alone").asBoolean()).isTrue();

        this.node.leave();
        Answer left = get(http, "/actuator/health/memberlist");
        assertThat(left.status()).isEqualTo(503);
        JsonNode health = JSON.readTree(left.body());
        assertThat(health.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
        assertThat(health.path("details").path("reason").asString()).isEqualTo("left the cluster");
    }

    private static Answer get(RestClient http, String path) {
        return http.get().uri(path).exchange((request, response) -> {
            try (InputStream body = response.getBody()) {
                return new Answer(
                        response.getStatusCode().value(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
        });
    }

    record Answer(int status, String body) {}

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class WebApplication {}
}
