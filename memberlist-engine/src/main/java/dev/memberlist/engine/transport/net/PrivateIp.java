package dev.memberlist.engine.transport.net;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Go's {@code sockaddr.GetPrivateIP()}: the address {@link NetTransport} advertises when bound to
 * the wildcard address and given none. Among the addresses of up interfaces, it keeps those in
 * RFC 6890's special-purpose blocks that are forwardable (which leaves RFC 1918, shared
 * address space 100.64/10, benchmarking 198.18/15, 6to4 relays, unique-local fc00::/7 and a few
 * IPv6 transition blocks), prefers the interface of the IPv4 default route, then IPv4 over IPv6,
 * then the larger network, and takes the first.
 */
final class PrivateIp {
    private static final List<Block> RFC_6890 = blocks(
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.0.0.0/24",
            "192.0.0.0/29",
            "192.0.2.0/24",
            "192.88.99.0/24",
            "192.168.0.0/16",
            "198.18.0.0/15",
            "198.51.100.0/24",
            "203.0.113.0/24",
            "240.0.0.0/4",
            "255.255.255.255/32",
            "::1/128",
            "::/128",
            "64:ff9b::/96",
            "::ffff:0:0/96",
            "100::/64",
            "2001::/16",
            "2002::/16",
            "fc00::/7",
            "fe80::/10");

    /** go-sockaddr's ForwardingBlacklist pseudo-RFC: what the "forwardable" flag excludes. */
    private static final List<Block> NOT_FORWARDABLE = blocks(
            "0.0.0.0/8",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "192.0.0.0/24",
            "192.0.2.0/24",
            "198.51.100.0/24",
            "203.0.113.0/24",
            "240.0.0.0/4",
            "255.255.255.255/32",
            "::1/128",
            "::/128",
            "::ffff:0:0/96",
            "2001:db8::/32",
            "2001:10::/28",
            "fe80::/10");

    private PrivateIp() {}

    /** One address of one interface. */
    record Candidate(String interfaceName, InetAddress address, int prefixLength) {}

    /** The private address of this host, or empty when it has none. */
    static Optional<InetAddress> find() throws IOException {
        return choose(upInterfaceAddresses(), defaultRouteInterface());
    }

    /**
     * The first private address after Go's ordering.
     *
     * @param candidates in interface order
     * @param defaultInterface the IPv4 default route's interface, or null when unknown
     */
    static Optional<InetAddress> choose(List<Candidate> candidates, String defaultInterface) {
        List<Candidate> sorted = new ArrayList<>();
        for (Candidate c : candidates) {
            if (isPrivate(c.address())) {
                sorted.add(c);
            }
        }
        Comparator<Candidate> onDefaultRoute =
                Comparator.comparing(c -> !c.interfaceName().equals(defaultInterface));
        sorted.sort(onDefaultRoute
                .thenComparing(c -> !(c.address() instanceof Inet4Address))
                .thenComparingInt(Candidate::prefixLength));
        return sorted.stream().map(Candidate::address).findFirst();
    }

    /** In RFC 6890 and forwardable. */
    static boolean isPrivate(InetAddress address) {
        byte[] ip = address.getAddress();
        return RFC_6890.stream().anyMatch(b -> b.contains(ip))
                && NOT_FORWARDABLE.stream().noneMatch(b -> b.contains(ip));
    }

    /** {@code ip} as Go's {@code net.ParseIP} stores it: IPv4 as a 16-byte IPv4-mapped address. */
    static byte[] goParseIpBytes(InetAddress address) {
        byte[] ip = address.getAddress();
        if (ip.length == 16) {
            return ip;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(ip, 0, mapped, 12, 4);
        return mapped;
    }

    private static List<Candidate> upInterfaceAddresses() throws SocketException {
        List<NetworkInterface> ifaces = new ArrayList<>();
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (i.isUp()) {
                ifaces.add(i);
            }
        }
        // Go lists interfaces by index
        ifaces.sort(Comparator.comparingInt(NetworkInterface::getIndex));
        List<Candidate> out = new ArrayList<>();
        for (NetworkInterface i : ifaces) {
            for (InterfaceAddress a : i.getInterfaceAddresses()) {
                out.add(new Candidate(i.getName(), a.getAddress(), a.getNetworkPrefixLength()));
            }
        }
        return out;
    }

    /** The interface of the IPv4 default route from /proc/net/route, or null off Linux. */
    private static String defaultRouteInterface() {
        Path routes = Path.of("/proc/net/route");
        try {
            for (String line : Files.readAllLines(routes, StandardCharsets.US_ASCII)) {
                String[] f = line.trim().split("\\s+");
                // Iface Destination Gateway Flags RefCnt Use Metric Mask ...
                if (f.length > 7 && f[1].equals("00000000") && f[7].equals("00000000")) {
                    return f[0];
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown: Go's sort then leaves the order to the other keys as well
        }
        return null;
    }

    private static List<Block> blocks(String... cidrs) {
        List<Block> out = new ArrayList<>();
        for (String c : cidrs) {
            int slash = c.indexOf('/');
            out.add(new Block(
                    NetUtil.createByteArrayFromIpAddressString(c.substring(0, slash)),
                    Integer.parseInt(c.substring(slash + 1))));
        }
        return List.copyOf(out);
    }

    /** A CIDR block; IPv4 blocks match only 4-byte addresses, as Java reports IPv4. */
    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] ip) {
            if (ip.length != network.length) {
                return false;
            }
            int bits = prefix;
            for (int i = 0; i < ip.length && bits > 0; i++, bits -= 8) {
                int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                if ((ip[i] & mask) != (network[i] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
