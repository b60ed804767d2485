package dev.memberlist.spring.cloud.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * An instance of {@code a} stops gracefully while {@code b} calls {@code a} without pause
 * through its {@code @LoadBalanced RestClient}: not one call fails. The node leaves first, every
 * member drops it and empties LoadBalancer's cache, and only then does its web server stop
 * taking requests ({@link DrainLifecycle}).
 */
class GracefulStopTests {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** A bound on the calling loop, whatever happens. */
    private static final Duration MAX_CALLING = Duration.ofMinutes(3);

    private final TestServices services = new TestServices();

    @AfterEach
    void close() {
        this.services.close();
    }

    @Test
    void noCallFailsWhileAnInstanceStopsGracefully() throws Exception {
        ConfigurableApplicationContext a1 = this.services.start("a", "a-1");
        this.services.start("a", "a-2");
        ConfigurableApplicationContext b = this.services.start("b", "b-1");
        RestClient client = b.getBean(RestClient.Builder.class).build();
        DiscoveryClient discovery = b.getBean(DiscoveryClient.class);
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(discovery.getInstances("a")).hasSize(2));

        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicLong calls = new AtomicLong();
        AtomicBoolean calling = new AtomicBoolean(true);
        Thread caller = new Thread(
                () -> {
                    long deadline = System.nanoTime() + MAX_CALLING.toNanos();
                    while (calling.get() && System.nanoTime() < deadline) {
                        try {
                            String who = DiscoveryClusterTests.whoami(client);
                            answers.computeIfAbsent(who, (k) -> new AtomicInteger())
                                    .incrementAndGet();
                        } catch (RuntimeException ex) {
                            errors.add(ex);
                        }
                        calls.incrementAndGet();
                    }
                },
                "caller");
        caller.start();
        try {
            await("both instances answering")
                    .atMost(PATIENCE)
                    .until(() -> answers.containsKey("a-1") && answers.containsKey("a-2"));

            long callsBeforeStop = calls.get();
            a1.close();
            long callsDuringStop = calls.get() - callsBeforeStop;
            int a2Answers = answers.get("a-2").get();
            await("more calls after the stop, all answered by a-2")
                    .atMost(PATIENCE)
                    .until(() -> answers.get("a-2").get() > a2Answers + 50);
            int a1Answers = answers.get("a-1").get();
            await("a few more calls, none to a-1")
                    .atMost(PATIENCE)
                    .until(() -> answers.get("a-2").get() > a2Answers + 100);
            assertThat(answers.get("a-1").get()).isEqualTo(a1Answers);
            assertThat(callsDuringStop).as("calls made while a-1 stopped").isGreaterThan(10);
        } finally {
            calling.set(false);
            caller.join(Duration.ofSeconds(30).toMillis());
        }
        assertThat(errors).as("calls that failed over the stop").isEmpty();
    }

    @Test
    void aStoppingInstanceIsGoneFromEveryInstanceListWhileItsWebServerStillServes() throws Exception {
        // a long drain, so that "still serves" is not a matter of luck on a busy machine
        ConfigurableApplicationContext a1 = this.services.start("a", "a-1", "memberlist.discovery.drain-time=10s");
        ConfigurableApplicationContext a2 = this.services.start("a", "a-2");
        ConfigurableApplicationContext b = this.services.start("b", "b-1");
        List<DiscoveryClient> everywhere = List.of(a2.getBean(DiscoveryClient.class), b.getBean(DiscoveryClient.class));
        await().atMost(PATIENCE)
                .untilAsserted(() -> everywhere.forEach(
                        (discovery) -> assertThat(discovery.getInstances("a")).hasSize(2)));
        RestClient direct = RestClient.create("http://127.0.0.1:" + TestServices.httpPort(a1));

        Thread stopping = new Thread(a1::close, "stopping a-1");
        stopping.start();
        try {
            await("a-1 gone from every other member's instance list")
                    .atMost(PATIENCE)
                    .pollInterval(Duration.ofMillis(20))
                    .untilAsserted(() -> everywhere.forEach((discovery) -> assertThat(discovery.getInstances("a"))
                            .extracting(ServiceInstance::getInstanceId)
                            .containsExactly("a-2")));
            assertThat(stopping.isAlive()).as("a-1 still stopping").isTrue();
            assertThat(direct.get().uri("/whoami").retrieve().body(String.class))
                    .as("a-1's web server, after every member dropped a-1")
                    .isEqualTo("a-1");
        } finally {
            stopping.join(PATIENCE.toMillis());
        }
    }
}
