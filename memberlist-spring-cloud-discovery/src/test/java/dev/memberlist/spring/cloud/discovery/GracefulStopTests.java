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
}
