package dev.memberlist.engine.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reports to a Micrometer {@link MeterRegistry}. Micrometer is an optional dependency of the
 * engine: this class is only loaded when an application constructs it.
 */
public final class MicrometerMetrics implements Metrics {
    private final MeterRegistry registry;
    private final Tags common;
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Key, AtomicLong> gauges = new ConcurrentHashMap<>();
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();
    private final Map<Key, DistributionSummary> summaries = new ConcurrentHashMap<>();

    /**
     * @param registry where meters are registered
     * @param commonTags key, value pairs added to every meter (Go's {@code MetricLabels})
     */
    public MicrometerMetrics(MeterRegistry registry, String... commonTags) {
        this.registry = registry;
        this.common = Tags.of(commonTags);
    }

    @Override
    public void incrCounter(String name, double amount, String... tags) {
        counters.computeIfAbsent(
                        new Key(name, tags),
                        k -> Counter.builder(name).tags(common.and(tags)).register(registry))
                .increment(amount);
    }

    @Override
    public void setGauge(String name, double value, String... tags) {
        gauges.computeIfAbsent(new Key(name, tags), k -> {
                    AtomicLong holder = new AtomicLong(Double.doubleToLongBits(0));
                    Gauge.builder(name, holder, h -> Double.longBitsToDouble(h.get()))
                            .tags(common.and(tags))
                            .register(registry);
                    return holder;
                })
                .set(Double.doubleToLongBits(value));
    }

    @Override
    public void recordNanos(String name, long nanos, String... tags) {
        timers.computeIfAbsent(
                        new Key(name, tags),
                        k -> Timer.builder(name).tags(common.and(tags)).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void addSample(String name, double value, String... tags) {
        summaries
                .computeIfAbsent(new Key(name, tags), k -> DistributionSummary.builder(name)
                        .tags(common.and(tags))
                        .register(registry))
                .record(value);
    }

    private record Key(String name, List<String> tags) {
        Key(String name, String[] tags) {
            this(name, tags.length == 0 ? List.of() : Arrays.asList(tags));
        }
    }
}
