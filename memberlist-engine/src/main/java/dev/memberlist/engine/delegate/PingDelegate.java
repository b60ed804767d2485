package dev.memberlist.engine.delegate;

import dev.memberlist.engine.Node;
import java.time.Duration;

/** Piggybacks data on direct probe acks and observes round-trip times (for network coordinates). */
public interface PingDelegate {
    /** Payload to put in acks to direct pings; null for none. */
    default byte[] ackPayload() {
        return null;
    }

    /** A direct probe of {@code other} completed. */
    default void notifyPingComplete(Node other, Duration rtt, byte[] payload) {}
}
