package dev.memberlist.engine.transport;

import java.net.InetSocketAddress;

/**
 * One received datagram.
 *
 * @param buf the bytes, owned by the receiver from now on
 * @param from the sender's socket address
 */
public record Packet(byte[] buf, InetSocketAddress from) {}
