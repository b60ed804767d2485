package dev.memberlist.engine.delegate;

import dev.memberlist.engine.Node;
import java.time.Duration;

/**
 * Piggybacks data on direct probe acks and observes round-trip times (for network coordinates).
 */
public interface PingDelegate {
    /**
     * Payload to put in acks to direct pings; null for none. Called on the I/O thread that decoded
     * the ping, as Go calls it on its packet listener, while the pinger waits: return a value at
     * hand (computed elsewhere, say), never block.
     */
    default byte[] ackPayload() {
        return null;
    }

    /** A direct probe of {@code other} completed. Delivered on the node's delegate queue. */
    default void notifyPingComplete(Node other, Duration rtt, byte[] payload) {}
}
