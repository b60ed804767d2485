package dev.memberlist.engine;

import dev.memberlist.engine.metrics.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** A metrics sink for tests: how often each counter was incremented and each timer recorded. */
final class Tally implements Metrics {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void incrCounter(String name, double amount, String... tags) {
        counts.computeIfAbsent(name, k -> new LongAdder()).increment();
    }

    @Override
    public void recordNanos(String name, long nanos, String... tags) {
        counts.computeIfAbsent(name, k -> new LongAdder()).increment();
    }

    /** Increments of a counter, or recordings of a timer, so far. */
    long count(String name) {
        LongAdder a = counts.get(name);
        return a == null ? 0 : a.sum();
    }
}
