package dev.memberlist.spring.boot.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.metrics.Metrics;
import dev.memberlist.spring.boot.autoconfigure.MemberlistAutoConfiguration;
import dev.memberlist.spring.boot.autoconfigure.MemberlistConfigCustomizer;
import dev.memberlist.spring.boot.metrics.MemberlistMeterBinder;
import dev.memberlist.spring.boot.metrics.MemberlistMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tests for {@link MemberlistMetricsAutoConfiguration}: the meters of a real two-node cluster on
 * loopback, in Boot's own {@code SimpleMeterRegistry}.
 */
class MemberlistMetricsAutoConfigurationTests {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** 16 bytes: an encrypted cluster also reports the size of the push-pull states it receives. */
    private static final String KEY = "AAECAwQFBgcICQoLDA0ODw==";

    /** What a cluster that exchanged some traffic reports, under the names the README documents. */
    private static final List<String> AFTER_TRAFFIC = List.of(
            "memberlist.udp.sent",
            "memberlist.udp.received",
            "memberlist.tcp.sent",
            "memberlist.tcp.accept",
            "memberlist.tcp.connect",
            "memberlist.probe.node",
            "memberlist.gossip",
            "memberlist.push.pull.node",
            "memberlist.msg.alive",
            "memberlist.size.remote",
            "memberlist.node.instances",
            "memberlist.health.score",
            "memberlist.queue.broadcasts");

    private static final Set<String> BYTES =
            Set.of("memberlist.udp.sent", "memberlist.udp.received", "memberlist.tcp.sent", "memberlist.size.remote");

    private static final Set<String> NODE_STATES = Set.of("alive", "suspect", "dead", "left");

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    MemberlistAutoConfiguration.class,
                    MemberlistMetricsAutoConfiguration.class))
            .withPropertyValues(
                    "memberlist.bind-address=127.0.0.1",
                    "memberlist.advertise-address=127.0.0.1",
                    "memberlist.bind-port=0",
                    "memberlist.profile=local");

    @Test
    void membersByStateAndHealthScoreAreAlwaysCurrent() {
        this.contextRunner.run((first) -> {
            MeterRegistry registry = first.getBean(MeterRegistry.class);
            assertThat(instances(registry, "alive")).isEqualTo(1);
            assertThat(instances(registry, "left")).isZero();
            assertThat(registry.get("memberlist.health.score").gauge().value()).isZero();
            int port = first.getBean(Memberlist.class).advertiseAddress().getPort();
            this.contextRunner
                    .withPropertyValues("memberlist.seeds=127.0.0.1:" + port)
                    .run((second) -> await().atMost(PATIENCE)
                            .untilAsserted(() ->
                                    assertThat(instances(registry, "alive")).isEqualTo(2)));
            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(instances(registry, "left")).isEqualTo(1));
        });
    }

    @Test
    void eachValueIsReportedByOneMeter() {
        cluster(this.contextRunner, (first, second) -> {
            for (MeterRegistry registry : List.of(first, second)) {
                Map<String, List<Meter>> byName = memberlistMeters(registry);
                // the node counts by state: one meter, whatever its tag is called
                assertThat(byName.entrySet().stream()
                                .filter((e) -> e.getValue().stream().anyMatch((m) -> m.getId().getTags().stream()
                                        .anyMatch((t) -> NODE_STATES.contains(t.getValue()))))
                                .map(Map.Entry::getKey))
                        .containsExactly("memberlist.node.instances");
                assertThat(byName.keySet().stream().filter((name) -> name.contains("health")))
                        .containsExactly("memberlist.health.score");
                assertThat(byName.keySet().stream().filter((name) -> name.contains("queue")))
                        .containsExactly("memberlist.queue.broadcasts");
                // one concept, one spelling: memberlist.probeNode beside memberlist.probe.node would count it twice
                Map<String, List<String>> bySpelling = byName.keySet().stream()
                        .collect(Collectors.groupingBy(
                                (name) -> name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT)));
                assertThat(bySpelling.values())
                        .allSatisfy((names) -> assertThat(names).hasSize(1));
            }
        });
    }

    @Test
    void everyMeterIsConventionallyNamedDescribedAndTaggedWithItsNode() {
        cluster(this.contextRunner, (first, second) -> {
            Map<String, MeterRegistry> registries = Map.of("first", first, "second", second);
            registries.forEach((node, registry) -> {
                List<Meter> meters = memberlistMeters(registry).values().stream()
                        .flatMap(List::stream)
                        .toList();
                assertThat(meters).isNotEmpty().allSatisfy((meter) -> {
                    Meter.Id id = meter.getId();
                    assertThat(id.getName()).as("name").matches("memberlist(\\.[a-z0-9]+)+");
                    assertThat(id.getDescription()).as("description of %s", id).isNotBlank();
                    assertThat(id.getTag(MemberlistMetrics.NODE_TAG))
                            .as("node tag of %s", id)
                            .isEqualTo(node);
                    assertThat(id.getTags()).extracting(Tag::getKey).allSatisfy((key) -> assertThat(key)
                            .matches("[a-z0-9]+(\\.[a-z0-9]+)*"));
                });
            });
        });
    }

    @Test
    void bytesAndTimesHaveBaseUnits() {
        cluster(this.contextRunner, (first, second) -> {
            List<Meter> meters = memberlistMeters(second).values().stream()
                    .flatMap(List::stream)
                    .toList();
            assertThat(meters)
                    .filteredOn((meter) -> BYTES.contains(meter.getId().getName()))
                    .extracting((meter) -> meter.getId().getName())
                    .containsAll(BYTES);
            assertThat(meters).allSatisfy((meter) -> {
                Meter.Id id = meter.getId();
                if (BYTES.contains(id.getName())) {
                    assertThat(id.getBaseUnit()).as("unit of %s", id).isEqualTo("bytes");
                }
                if (meter instanceof Timer) {
                    assertThat(id.getBaseUnit()).as("unit of %s", id).isEqualTo("seconds");
                }
            });
        });
    }

    @Test
    void theReadmeMapsEveryMeterToItsGoKey() throws IOException {
        // the first cell of each row of the README's metrics table names one or more meters
        List<String> firstCells = Files.readAllLines(Path.of("../memberlist-spring-boot-starter/README.md")).stream()
                .filter((line) -> line.startsWith("| `memberlist."))
                .map((line) -> line.substring(1, line.indexOf('|', 1)))
                .toList();
        cluster(this.contextRunner, (first, second) -> {
            for (String name : memberlistMeters(second).keySet()) {
                assertThat(firstCells).as("README row of %s", name).anyMatch((cell) -> cell.contains("`" + name + "`"));
            }
        });
    }

    @Test
    void aSinkSetByAnApplicationCustomizerIsTheOneTheEngineUses() {
        cluster(this.contextRunner.withUserConfiguration(OwnSinkCustomizerConfiguration.class), (first, second) -> {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(OwnSinkCustomizerConfiguration.SINK.names)
                    .contains("memberlist.msg.alive", "memberlist.probeNode", "memberlist.udp.sent"));
            // the engine reported nothing to the registry: only the binder's gauges, read from the node
            assertThat(memberlistMeters(second).keySet())
                    .containsExactlyInAnyOrder(
                            "memberlist.node.instances", "memberlist.health.score", "memberlist.queue.broadcasts");
        });
    }

    @Test
    void anApplicationCustomizerSeesTheStartersSinkAndMayWrapIt() {
        this.contextRunner
                .withUserConfiguration(SeeingCustomizerConfiguration.class)
                .run((context) -> {
                    context.getBean(Memberlist.class);
                    assertThat(context.getBean(SeeingCustomizerConfiguration.class)
                                    .seen
                                    .get())
                            .isInstanceOf(MemberlistMetrics.class);
                });
    }

    @Test
    void aSinkInTheApplicationsConfigBeanIsKept() {
        this.contextRunner.withUserConfiguration(OwnConfigConfiguration.class).run((context) -> {
            Memberlist memberlist = context.getBean(Memberlist.class);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(OwnConfigConfiguration.SINK.names)
                    .contains("memberlist.msg.alive"));
            assertThat(memberlist.name()).isEqualTo("own");
            assertThat(context.getBean(MeterRegistry.class)
                            .find("memberlist.msg.alive")
                            .meters())
                    .isEmpty();
        });
    }

    @Test
    void nothingWhenMemberlistIsDisabled() {
        this.contextRunner.withPropertyValues("memberlist.enabled=false").run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(MeterRegistry.class);
            assertThat(context).doesNotHaveBean(MemberlistConfigCustomizer.class);
            assertThat(context).doesNotHaveBean(MemberlistMeterBinder.class);
            assertThat(memberlistMeters(context.getBean(MeterRegistry.class))).isEmpty();
        });
    }

    /**
     * Runs two nodes, {@code first} and {@code second}, the second joining the first, encrypted
     * and pushing and pulling often, until the second reports every meter of {@link
     * #AFTER_TRAFFIC}; then hands their registries to the assertions.
     */
    private static void cluster(ApplicationContextRunner runner, BiConsumer<MeterRegistry, MeterRegistry> assertions) {
        ApplicationContextRunner encrypted =
                runner.withPropertyValues("memberlist.encryption.keys=" + KEY, "memberlist.push-pull-interval=200ms");
        encrypted.withPropertyValues("memberlist.name=first").run((first) -> {
            assertThat(first).hasNotFailed();
            int port = first.getBean(Memberlist.class).advertiseAddress().getPort();
            encrypted
                    .withPropertyValues("memberlist.name=second", "memberlist.seeds=127.0.0.1:" + port)
                    .run((second) -> {
                        assertThat(second).hasNotFailed();
                        MeterRegistry registry = second.getBean(MeterRegistry.class);
                        await().atMost(PATIENCE).untilAsserted(() -> {
                            assertThat(instances(registry, "alive")).isEqualTo(2);
                            if (!hasSink(second)) {
                                assertThat(memberlistMeters(registry))
                                        .containsKeys(AFTER_TRAFFIC.toArray(String[]::new));
                            }
                        });
                        assertions.accept(first.getBean(MeterRegistry.class), registry);
                    });
        });
    }

    private static boolean hasSink(AssertableApplicationContext context) {
        return context.containsBean("ownSink");
    }

    private static double instances(MeterRegistry registry, String state) {
        return registry.get("memberlist.node.instances")
                .tag("node.state", state)
                .gauge()
                .value();
    }

    private static Map<String, List<Meter>> memberlistMeters(MeterRegistry registry) {
        Map<String, List<Meter>> byName = new TreeMap<>();
        for (Meter meter : registry.getMeters()) {
            if (meter.getId().getName().startsWith("memberlist")) {
                byName.computeIfAbsent(meter.getId().getName(), (k) -> new ArrayList<>())
                        .add(meter);
            }
        }
        return byName;
    }

    /** A sink of the application's own: remembers the keys it was given. */
    static final class RecordingMetrics implements Metrics {

        final Set<String> names = ConcurrentHashMap.newKeySet();

        @Override
        public void incrCounter(String name, double amount, String... tags) {
            this.names.add(name);
        }

        @Override
        public void setGauge(String name, double value, String... tags) {
            this.names.add(name);
        }

        @Override
        public void recordNanos(String name, long nanos, String... tags) {
            this.names.add(name);
        }

        @Override
        public void addSample(String name, double value, String... tags) {
            this.names.add(name);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnSinkCustomizerConfiguration {

        static final RecordingMetrics SINK = new RecordingMetrics();

        @Bean
        RecordingMetrics ownSink() {
            return SINK;
        }

        @Bean
        MemberlistConfigCustomizer ownSinkCustomizer(RecordingMetrics ownSink) {
            return (config) -> config.setMetrics(ownSink);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SeeingCustomizerConfiguration {

        final AtomicReference<Metrics> seen = new AtomicReference<>();

        @Bean
        MemberlistConfigCustomizer seeingCustomizer() {
            return (config) -> this.seen.set(config.getMetrics());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnConfigConfiguration {

        static final RecordingMetrics SINK = new RecordingMetrics();

        @Bean
        Config memberlistConfig() {
            return Config.local()
                    .setName("own")
                    .setBindAddr("127.0.0.1")
                    .setAdvertiseAddr("127.0.0.1")
                    .setBindPort(0)
                    .setMetrics(SINK);
        }
    }
}
