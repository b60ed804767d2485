package dev.memberlist.engine.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The address a node tells others to reach it at (Go's {@code FinalAdvertiseAddr} result).
 *
 * @param ip raw IP bytes as they will go on the wire: 4 for IPv4, 16 for IPv6
 * @param port the port
 */
public record AdvertiseAddress(byte[] ip, int port) {
    public AdvertiseAddress {
        ip = ip.clone();
    }

    /** The IP as an {@link InetAddress}. */
    public InetAddress inetAddress() {
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte[] ip() {
        return ip.clone();
    }
}
