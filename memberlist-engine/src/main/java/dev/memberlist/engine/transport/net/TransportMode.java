package dev.memberlist.engine.transport.net;

/**
 * How a {@link NetTransport} carries packets (probes, acks, gossip, best-effort user messages).
 * Streams (push-pull, reliable user messages, TCP fallback pings) are TCP in both modes.
 */
public enum TransportMode {
    /**
     * Packets as UDP datagrams, streams over TCP, both on the bind port: Go memberlist's
     * {@code NetTransport}, wire-compatible with Go nodes. The default.
     */
    UDP,

    /**
     * Everything over TCP on the bind port, no UDP socket bound: packets travel as
     * length-prefixed frames on persistent connections, one outbound connection per peer.
     * For networks that drop UDP or load balancers that pass only TCP. Not wire-compatible with
     * Go memberlist, whose nodes send packets over UDP only: every member of such a cluster must
     * run this mode.
     */
    TCP
}
