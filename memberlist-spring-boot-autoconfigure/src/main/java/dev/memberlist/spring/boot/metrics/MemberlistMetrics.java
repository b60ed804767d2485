package dev.memberlist.spring.boot.metrics;

import dev.memberlist.engine.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The engine's {@link Metrics} sink for a Micrometer {@link MeterRegistry}, following
 * Micrometer's conventions: Go memberlist's keys become dot-separated lower-case names ({@code
 * memberlist.probeNode} is {@code memberlist.probe.node}), byte counts carry the base unit
 * {@code bytes}, every meter has a description, and every meter carries the tag {@value #NODE_TAG}
 * naming the local node, so that several nodes can share a registry.
 *
 * <p>The values Go reports as gauges and samples of the node's state ({@code
 * memberlist.node.instances}, {@code memberlist.health.score}, {@code
 * memberlist.queue.broadcasts}) are not recorded here: {@link MemberlistMeterBinder} reads them
 * from the node at each scrape, so they are always current and reported once.
 */
public class MemberlistMetrics implements Metrics {

    /** The tag naming the local node on every memberlist meter. */
    public static final String NODE_TAG = "node";

    /** The engine's keys {@link MemberlistMeterBinder} reports instead. */
    static final Set<String> READ_BY_BINDER =
            Set.of("memberlist.node.instances", "memberlist.health.score", "memberlist.queue.broadcasts");

    private static final Map<String, Meter> METERS = Map.ofEntries(
            meter("memberlist.udp.sent", BaseUnits.BYTES, "Bytes sent in packets, after compression and encryption"),
            meter("memberlist.udp.received", BaseUnits.BYTES, "Bytes received in packets"),
            meter("memberlist.udp.dropped", null, "Packets dropped as malformed or refused, by reason"),
            meter("memberlist.tcp.sent", BaseUnits.BYTES, "Bytes sent in stream messages"),
            meter("memberlist.tcp.accept", null, "Streams opened to this node by other members"),
            meter("memberlist.tcp.connect", null, "Streams this node opened for a push-pull"),
            meter("memberlist.tcp.dropped", null, "Streams closed as malformed, refused or over a limit, by reason"),
            meter(
                    "memberlist.tls.handshake.failed",
                    null,
                    "TLS handshakes that failed: untrusted or plaintext peers, timeouts"),
            meter("memberlist.probeNode", "memberlist.probe.node", null, "Time of each probe of a member"),
            meter("memberlist.gossip", null, "Time of each gossip round"),
            meter(
                    "memberlist.pushPullNode",
                    "memberlist.push.pull.node",
                    null,
                    "Time of each push-pull, joins included"),
            meter(
                    "memberlist.degraded.probe",
                    null,
                    "Probes run at a longer interval because the node's health score is raised"),
            meter(
                    "memberlist.degraded.timeout",
                    null,
                    "Suspicions that expired with fewer confirmations than expected"),
            meter("memberlist.msg.alive", null, "Alive messages that changed a member's state"),
            meter("memberlist.msg.suspect", null, "Suspect messages that changed a member's state"),
            meter("memberlist.msg.dead", null, "Dead messages that changed a member's state"),
            meter("memberlist.size.remote", BaseUnits.BYTES, "Size of each encrypted push-pull state received"),
            meter(
                    "memberlist.delegate.dropped",
                    null,
                    "Delegate callbacks dropped because the delegate queue was full, by kind"),
            meter("memberlist.delegate.errors", null, "Delegate callbacks that threw, by kind"),
            meter("memberlist.reconnect.unanswered", null, "Reconnects to a dead member that did not answer"),
            meter(
                    "memberlist.reconnect.refused",
                    null,
                    "Reconnects not merged because another node answered at the address"));

    private final MeterRegistry registry;

    private final Supplier<String> nodeName;

    private volatile @Nullable Tags common;

    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();

    private final Map<Key, AtomicLong> gauges = new ConcurrentHashMap<>();

    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    private final Map<Key, DistributionSummary> summaries = new ConcurrentHashMap<>();

    /**
     * @param registry where meters are registered
     * @param nodeName the local node's name, read when the first meter is registered (after
     *     every customizer has had its say)
     */
    public MemberlistMetrics(MeterRegistry registry, Supplier<String> nodeName) {
        this.registry = registry;
        this.nodeName = nodeName;
    }

    @Override
    public void incrCounter(String name, double amount, String... tags) {
        this.counters
                .computeIfAbsent(new Key(name, tags), (k) -> {
                    Meter meter = describe(name);
                    return Counter.builder(meter.name())
                            .baseUnit(meter.baseUnit())
                            .description(meter.description())
                            .tags(tags(tags))
                            .register(this.registry);
                })
                .increment(amount);
    }

    @Override
    public void setGauge(String name, double value, String... tags) {
        if (READ_BY_BINDER.contains(name)) {
            return;
        }
        this.gauges
                .computeIfAbsent(new Key(name, tags), (k) -> {
                    Meter meter = describe(name);
                    AtomicLong holder = new AtomicLong(Double.doubleToLongBits(0));
                    Gauge.builder(meter.name(), holder, (h) -> Double.longBitsToDouble(h.get()))
                            .baseUnit(meter.baseUnit())
                            .description(meter.description())
                            .tags(tags(tags))
                            .register(this.registry);
                    return holder;
                })
                .set(Double.doubleToLongBits(value));
    }

    @Override
    public void recordNanos(String name, long nanos, String... tags) {
        this.timers
                .computeIfAbsent(new Key(name, tags), (k) -> {
                    Meter meter = describe(name);
                    return Timer.builder(meter.name())
                            .description(meter.description())
                            .tags(tags(tags))
                            .register(this.registry);
                })
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void addSample(String name, double value, String... tags) {
        if (READ_BY_BINDER.contains(name)) {
            return;
        }
        this.summaries
                .computeIfAbsent(new Key(name, tags), (k) -> {
                    Meter meter = describe(name);
                    return DistributionSummary.builder(meter.name())
                            .baseUnit(meter.baseUnit())
                            .description(meter.description())
                            .tags(tags(tags))
                            .register(this.registry);
                })
                .record(value);
    }

    private Tags tags(String[] tags) {
        Tags common = this.common;
        if (common == null) {
            common = Tags.of(NODE_TAG, this.nodeName.get());
            this.common = common;
        }
        return common.and(tags);
    }

    /** A key the engine learned after this table was written still gets a conventional meter. */
    private static Meter describe(String key) {
        Meter meter = METERS.get(key);
        return (meter != null) ? meter : new Meter(dotted(key), null, "memberlist engine metric " + key);
    }

    /** {@code memberlist.pushPullNode} to {@code memberlist.push.pull.node}. */
    private static String dotted(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1.$2").replace('_', '.').toLowerCase(Locale.ROOT);
    }

    private static Map.Entry<String, Meter> meter(String key, @Nullable String baseUnit, String description) {
        return meter(key, key, baseUnit, description);
    }

    private static Map.Entry<String, Meter> meter(
            String key, String name, @Nullable String baseUnit, String description) {
        return Map.entry(key, new Meter(name, baseUnit, description));
    }

    private record Meter(String name, @Nullable String baseUnit, String description) {}

    private record Key(String name, List<String> tags) {
        Key(String name, String[] tags) {
            this(name, (tags.length == 0) ? List.of() : Arrays.asList(tags));
        }
    }
}
