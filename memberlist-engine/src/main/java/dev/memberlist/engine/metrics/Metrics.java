package dev.memberlist.engine.metrics;

/**
 * Where the engine reports its metrics, under Go memberlist's names ({@code memberlist.msg.alive},
 * {@code memberlist.probeNode}, ...). Tags are given as key, value pairs. Implementations must be
 * thread-safe and cheap: they are called on the protocol and I/O threads.
 */
public interface Metrics {
    /** Adds to a counter. */
    void incrCounter(String name, double amount, String... tags);

    /** Sets a gauge. */
    void setGauge(String name, double value, String... tags);

    /** Records a duration in a timer. */
    void recordNanos(String name, long nanos, String... tags);

    /** Records one value in a distribution. */
    void addSample(String name, double value, String... tags);

    /** Reports nothing. */
    Metrics NOOP = new Metrics() {
        @Override
        public void incrCounter(String name, double amount, String... tags) {}

        @Override
        public void setGauge(String name, double value, String... tags) {}

        @Override
        public void recordNanos(String name, long nanos, String... tags) {}

        @Override
        public void addSample(String name, double value, String... tags) {}
    };
}
