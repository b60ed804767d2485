package dev.memberlist.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Turns a seed's host part (an IP literal or a DNS name) into addresses to join. */
@FunctionalInterface
public interface AddressResolver {
    /**
     * @param host an IP literal or a DNS name
     * @return every address the name stands for, at least one
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The JDK's resolver: every A and AAAA record. */
    AddressResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
}
