package dev.memberlist.engine.transport.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.transport.net.PrivateIp.Candidate;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrivateIpTest {
    private static Candidate c(String iface, String ip, int prefix) throws UnknownHostException {
        return new Candidate(iface, InetAddress.getByName(ip), prefix);
    }

    private static Optional<String> choose(String defaultIface, Candidate... candidates) {
        return PrivateIp.choose(List.of(candidates), defaultIface).map(InetAddress::getHostAddress);
    }

    @Test
    void skipsLoopbackLinkLocalAndDocumentationAddresses() throws Exception {
        assertThat(choose(
                        "eth0",
                        c("lo", "127.0.0.1", 8),
                        c("lo", "::1", 128),
                        c("eth0", "192.0.2.2", 24),
                        c("eth0", "169.254.3.4", 16),
                        c("eth0", "fe80::1", 64),
                        c("eth0", "fd00::2", 64)))
                .contains("fd00:0:0:0:0:0:0:2");
        assertThat(choose("eth0", c("eth0", "8.8.8.8", 24), c("eth0", "2001:db8::1", 32)))
                .isEmpty();
    }

    @Test
    void prefersTheDefaultRouteInterfaceThenIpv4ThenTheLargerNetwork() throws Exception {
        assertThat(choose("eth0", c("eth1", "10.0.0.5", 24), c("eth0", "fd00::2", 64)))
                .contains("fd00:0:0:0:0:0:0:2");
        assertThat(choose(null, c("eth1", "10.0.0.5", 24), c("eth0", "fd00::2", 64)))
                .contains("10.0.0.5");
        assertThat(choose(null, c("eth0", "192.168.1.5", 24), c("eth1", "10.1.1.1", 8)))
                .contains("10.1.1.1");
    }

    @Test
    void privateMeansRfc6890AndForwardable() throws Exception {
        for (String yes : List.of(
                "10.0.0.1",
                "172.31.255.255",
                "192.168.0.1",
                "100.64.0.1",
                "198.18.0.1",
                "fd12::1",
                "fc00::1",
                "2002::1",
                "2001:470::1")) {
            assertThat(PrivateIp.isPrivate(InetAddress.getByName(yes))).as(yes).isTrue();
        }
        for (String no : List.of(
                "172.32.0.1",
                "8.8.8.8",
                "127.0.0.1",
                "192.0.2.1",
                "169.254.1.1",
                "::1",
                "fe80::1",
                "2001:db8::1",
                "2a00::1")) {
            assertThat(PrivateIp.isPrivate(InetAddress.getByName(no))).as(no).isFalse();
        }
    }

    @Test
    void ipv4IsIpv4MappedAsGoParsesIt() throws Exception {
        assertThat(PrivateIp.goParseIpBytes(InetAddress.getByName("10.0.0.1")))
                .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1);
        assertThat(PrivateIp.goParseIpBytes(InetAddress.getByName("fd00::2")))
                .isEqualTo(InetAddress.getByName("fd00::2").getAddress());
    }
}
