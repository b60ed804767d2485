package dev.memberlist.engine.metrics;

/**
 * Where the engine reports its metrics, under Go memberlist's names ({@code memberlist.msg.alive},
 * {@code memberlist.probeNode}, ...). Tags are given as key, value pairs. Implementations must be
 * thread-safe and cheap: they are called on the protocol and I/O threads. Every method does
 * nothing by default, so a sink overrides only what it reads.
 */
public interface Metrics {
    /** Adds to a counter. */
    default void incrCounter(String name, double amount, String... tags) {}

    /** Sets a gauge. */
    default void setGauge(String name, double value, String... tags) {}

    /** Records a duration in a timer. */
    default void recordNanos(String name, long nanos, String... tags) {}

    /** Records one value in a distribution. */
    default void addSample(String name, double value, String... tags) {}

    /** Reports nothing. */
    Metrics NOOP = new Metrics() {};
}
