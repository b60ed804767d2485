package dev.memberlist.engine.transport.net;

import java.util.concurrent.atomic.LongAdder;

/** What a {@link NetTransport} moved, counted the way the reference Go peer counts. */
final class TrafficCounters {
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder pktsOut = new LongAdder();
    private final LongAdder pktsIn = new LongAdder();
    private final LongAdder errors = new LongAdder();

    void packetOut(int bytes) {
        pktsOut.increment();
        bytesOut.add(bytes);
    }

    void packetIn(int bytes) {
        pktsIn.increment();
        bytesIn.add(bytes);
    }

    void streamOut(int bytes) {
        bytesOut.add(bytes);
    }

    void streamIn(int bytes) {
        bytesIn.add(bytes);
    }

    void error() {
        errors.increment();
    }

    long errors() {
        return errors.sum();
    }

    NetTransport.Stats snapshot() {
        return new NetTransport.Stats(bytesOut.sum(), bytesIn.sum(), pktsOut.sum(), pktsIn.sum());
    }
}
