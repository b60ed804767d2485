package dev.memberlist.spring.cloud.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.spring.boot.MemberlistTags;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Two instances of service {@code a} and one of service {@code b}, real Spring Boot web
 * applications on loopback whose memberlist nodes form one cluster: what Spring Cloud's
 * discovery clients in {@code b} see of {@code a}, and what {@code b}'s heartbeats say of each
 * change.
 */
class DiscoveryClusterTests {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    private final TestServices services = new TestServices();

    @AfterEach
    void close() {
        this.services.close();
    }

    @Test
    void getServicesListsBothServicesAndGetInstancesGivesBothInstancesWithTheirActualHttpPorts() {
        ConfigurableApplicationContext a1 = this.services.start(
                "a", "a-1", "memberlist.discovery.zone=zone-1", "memberlist.discovery.metadata.version=1.2");
        ConfigurableApplicationContext a2 = this.services.start("a", "a-2");
        ConfigurableApplicationContext b = this.services.start("b", "b-1");
        DiscoveryClient discovery = b.getBean(DiscoveryClient.class);

        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(discovery.getInstances("a")).hasSize(2));
        assertThat(discovery.getServices()).contains("a", "b");
        List<ServiceInstance> instances = discovery.getInstances("a");
        assertThat(instances)
                .extracting(ServiceInstance::getInstanceId, ServiceInstance::getHost, ServiceInstance::getPort)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a-1", "127.0.0.1", TestServices.httpPort(a1)),
                        org.assertj.core.groups.Tuple.tuple("a-2", "127.0.0.1", TestServices.httpPort(a2)));
        ServiceInstance first = instances.get(0);
        assertThat(first.getServiceId()).isEqualTo("a");
        assertThat(first.isSecure()).isFalse();
        assertThat(first.getUri()).isEqualTo(URI.create("http://127.0.0.1:" + TestServices.httpPort(a1)));
        assertThat(first.getMetadata())
                .containsEntry("zone", "zone-1")
                .containsEntry("version", "1.2")
                .containsEntry("management.port", Integer.toString(TestServices.httpPort(a1)));
        assertThat(discovery.getInstances("b"))
                .singleElement()
                .extracting(ServiceInstance::getPort)
                .isEqualTo(TestServices.httpPort(b));
        // from any member, the same answer
        assertThat(a2.getBean(DiscoveryClient.class).getInstances("a")).isEqualTo(instances);
    }

    @Test
    @SuppressWarnings("unchecked")
    void springCloudsOwnDiscoveryHealthIndicatorReportsTheServices() {
        this.services.start("a", "a-1");
        ConfigurableApplicationContext b = this.services.start("b", "b-1");
        RestClient http = RestClient.create("http://127.0.0.1:" + TestServices.httpPort(b));
        await().atMost(PATIENCE).untilAsserted(() -> {
            Map<String, Object> health =
                    http.get().uri("/actuator/health").retrieve().body(Map.class);
            Map<String, Object> discovery =
                    (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("discoveryComposite");
            assertThat(discovery).containsEntry("status", "UP");
            Map<String, Object> client =
                    (Map<String, Object>) ((Map<String, Object>) discovery.get("components")).get("discoveryClient");
            assertThat((Map<String, Object>) client.get("details")).containsEntry("services", List.of("a", "b"));
        });
    }

    @Test
    void theReactiveClientGivesTheSameAnswers() {
        this.services.start("a", "a-1");
        this.services.start("a", "a-2");
        ConfigurableApplicationContext b = this.services.start("b", "b-1");
        DiscoveryClient blocking = b.getBean(DiscoveryClient.class);
        ReactiveDiscoveryClient reactive = b.getBean(ReactiveDiscoveryClient.class);

        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(blocking.getInstances("a")).hasSize(2));
        assertThat(reactive.getServices().collectList().block(Duration.ofSeconds(10)))
                .isEqualTo(blocking.getServices())
                .contains("a", "b");
        assertThat(reactive.getInstances("a").collectList().block(Duration.ofSeconds(10)))
                .isEqualTo(blocking.getInstances("a"));
        assertThat(reactive.getInstances("nobody").collectList().block(Duration.ofSeconds(10)))
                .isEmpty();
        // the composites above hold these two
        MemberlistReactiveDiscoveryClient ours = b.getBean(MemberlistReactiveDiscoveryClient.class);
        assertThat(ours.getInstances("a").collectList().block(Duration.ofSeconds(10)))
                .isEqualTo(b.getBean(MemberlistDiscoveryClient.class).getInstances("a"));
        assertThat(ours.description()).isEqualTo(MemberlistDiscoveryClient.DESCRIPTION);
        ours.reactiveProbe().block(Duration.ofSeconds(10));
    }

    @Test
    void aLoadBalancedRestClientSpreadsCallsOverBothInstancesAndAfterACrashCallsTheOther() {
        this.services.start("a", "a-1");
        ConfigurableApplicationContext a2 = this.services.start("a", "a-2");
        ConfigurableApplicationContext b = this.services.start("b", "b-1");
        RestClient client = b.getBean(RestClient.Builder.class).build();
        DiscoveryClient discovery = b.getBean(DiscoveryClient.class);
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(discovery.getInstances("a")).hasSize(2));

        Set<String> answered = ConcurrentHashMap.newKeySet();
        await("calls answered by both instances").atMost(PATIENCE).untilAsserted(() -> {
            answered.add(whoami(client));
            assertThat(answered).containsExactlyInAnyOrder("a-1", "a-2");
        });

        ConfigurableApplicationContext a1 = this.services.contexts().get(0);
        TestServices.crash(a1);
        // until the others declare a-1 dead some calls fail; then every call goes to a-2
        await("every call answered by a-2 after the crash")
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    for (int i = 0; i < 10; i++) {
                        assertThat(whoami(client)).isEqualTo("a-2");
                    }
                });
        assertThat(discovery.getInstances("a"))
                .extracting(ServiceInstance::getInstanceId)
                .containsExactly("a-2");
        assertThat(a2.isRunning()).isTrue();
    }

    @Test
    void heartbeatsArePublishedOnJoinTagUpdateLeaveAndFailure() {
        ConfigurableApplicationContext b = this.services.start("b", "b-1");
        TestServices.Heartbeats heartbeats = b.getBean(TestServices.Heartbeats.class);
        DiscoveryClient discovery = b.getBean(DiscoveryClient.class);

        int before = heartbeats.count();
        ConfigurableApplicationContext a1 = this.services.start("a", "a-1");
        await("a heartbeat on a-1's join").atMost(PATIENCE).until(() -> heartbeats.count() > before);
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(discovery.getInstances("a")).hasSize(1));
        ConfigurableApplicationContext a2 = this.services.start("a", "a-2");
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(discovery.getInstances("a")).hasSize(2));

        int beforeUpdate = heartbeats.count();
        a1.getBean(MemberlistTags.class).put("color", "blue");
        await("a heartbeat on a-1's tag update")
                .atMost(PATIENCE)
                .until(() -> heartbeats.count() > beforeUpdate
                        && "blue".equals(metadata(discovery, "a-1").get("color")));

        int beforeLeave = heartbeats.count();
        a1.close();
        await("a heartbeat on a-1's leave")
                .atMost(PATIENCE)
                .until(() -> heartbeats.count() > beforeLeave
                        && discovery.getInstances("a").size() == 1);

        int beforeFailure = heartbeats.count();
        TestServices.crash(a2);
        await("a heartbeat on a-2's failure")
                .atMost(PATIENCE)
                .until(() -> heartbeats.count() > beforeFailure
                        && discovery.getInstances("a").isEmpty());
        // each change a new value, so a HeartbeatMonitor sees every one
        assertThat(Set.copyOf(heartbeats.values)).hasSameSizeAs(heartbeats.values);
    }

    @Test
    void aDrainingInstanceDisappearsFromEveryInstanceListAndComesBack() {
        ConfigurableApplicationContext a1 = this.services.start("a", "a-1");
        ConfigurableApplicationContext a2 = this.services.start("a", "a-2");
        ConfigurableApplicationContext b = this.services.start("b", "b-1");
        List<DiscoveryClient> everywhere = List.of(
                a1.getBean(DiscoveryClient.class), a2.getBean(DiscoveryClient.class), b.getBean(DiscoveryClient.class));
        await().atMost(PATIENCE)
                .untilAsserted(() -> everywhere.forEach(
                        (discovery) -> assertThat(discovery.getInstances("a")).hasSize(2)));

        a1.getBean(MemberlistServiceRegistration.class).setDraining(true);
        await("a-1 drained everywhere")
                .atMost(PATIENCE)
                .untilAsserted(() -> everywhere.forEach((discovery) -> assertThat(discovery.getInstances("a"))
                        .extracting(ServiceInstance::getInstanceId)
                        .containsExactly("a-2")));

        a1.getBean(MemberlistServiceRegistration.class).setDraining(false);
        await("a-1 back everywhere")
                .atMost(PATIENCE)
                .untilAsserted(() -> everywhere.forEach((discovery) -> assertThat(discovery.getInstances("a"))
                        .extracting(ServiceInstance::getInstanceId)
                        .containsExactly("a-1", "a-2")));
    }

    static String whoami(RestClient client) {
        return client.get().uri("http://a/whoami").retrieve().body(String.class);
    }

    private static Map<String, String> metadata(DiscoveryClient discovery, String instanceId) {
        return discovery.getInstances("a").stream()
                .filter((instance) -> instance.getInstanceId().equals(instanceId))
                .map(ServiceInstance::getMetadata)
                .findFirst()
                .orElse(Map.of());
    }
}
