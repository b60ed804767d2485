package dev.memberlist.engine;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where to send a message: a socket address and, optionally, the name of the node expected
 * there (Go's {@code memberlist.Address}). Transports that route by name, such as the
 * in-memory {@code MockNetwork}, use the name when it is set.
 *
 * @param socketAddress resolved IP and port
 * @param name the node's name, or the empty string when unknown
 */
public record Address(InetSocketAddress socketAddress, String name) {
    public Address {
        Objects.requireNonNull(socketAddress, "socketAddress");
        name = name == null ? "" : name;
    }

    /** An address without a node name. */
    public static Address of(InetSocketAddress socketAddress) {
        return new Address(socketAddress, "");
    }

    /** {@code host:port}, IPv6 in brackets, as Go's {@code net.JoinHostPort} prints it. */
    public String hostPort() {
        return Node.joinHostPort(socketAddress.getAddress().getHostAddress(), socketAddress.getPort());
    }

    @Override
    public String toString() {
        return name.isEmpty() ? hostPort() : name + "/" + hostPort();
    }
}
