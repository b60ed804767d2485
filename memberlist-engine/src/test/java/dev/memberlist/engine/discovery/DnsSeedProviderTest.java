package dev.memberlist.engine.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Seeds from a real DNS server on loopback. */
class DnsSeedProviderTest {
    private LoopbackDnsServer dns;
    private DnsSeedProvider provider;

    @BeforeEach
    void startDns() throws InterruptedException {
        dns = new LoopbackDnsServer();
    }

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.close();
        }
        dns.close();
    }

    private DnsSeedProvider provider(String... seeds) {
        provider = new DnsSeedProvider(List.of(seeds), 7946, List.of(dns.address()), Duration.ofSeconds(5));
        return provider;
    }

    private static InetSocketAddress at(String ip, int port) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void aNameGivesEveryAddressWithTheDefaultPortAndIsAskedAgainEveryTime() throws Exception {
        dns.setAddresses("seeds.cluster.test", ip("127.0.0.1"), ip("127.0.0.2"), ip("127.0.0.3"));
        DnsSeedProvider p = provider("seeds.cluster.test");

        assertThat(p.seeds().join())
                .containsExactlyInAnyOrder(at("127.0.0.1", 7946), at("127.0.0.2", 7946), at("127.0.0.3", 7946));

        // the pods were replaced: the next attempt sees the new addresses, no cache in the way
        dns.setAddresses("seeds.cluster.test", ip("127.0.0.4"));
        int asked = dns.queries();
        assertThat(p.seeds().join()).containsExactly(at("127.0.0.4", 7946));
        assertThat(dns.queries()).isGreaterThan(asked);
    }

    @Test
    void aNameWithAPortUsesThatPort() throws Exception {
        dns.setAddresses("seeds.cluster.test", ip("127.0.0.1"));
        assertThat(provider("seeds.cluster.test:8301").seeds().join()).containsExactly(at("127.0.0.1", 8301));
    }

    @Test
    void srvGivesEveryTargetWithItsPort() throws Exception {
        dns.setServices(
                "_memberlist._tcp.cluster.test",
                new LoopbackDnsServer.Srv("n0.cluster.test", 20001),
                new LoopbackDnsServer.Srv("n1.cluster.test.", 20002));
        dns.setAddresses("n0.cluster.test", ip("127.0.0.1"));
        dns.setAddresses("n1.cluster.test", ip("127.0.0.2"));

        assertThat(provider("dns+srv://_memberlist._tcp.cluster.test").seeds().join())
                .containsExactlyInAnyOrder(at("127.0.0.1", 20001), at("127.0.0.2", 20002));
    }

    @Test
    void literalsAreNeverLookedUp() throws Exception {
        DnsSeedProvider p = provider("10.0.0.5:7000", "10.0.0.6", "[::1]:7001");
        assertThat(p.seeds().join()).containsExactly(at("10.0.0.5", 7000), at("10.0.0.6", 7946), at("::1", 7001));
        assertThat(dns.queries()).isZero();
    }

    @Test
    void whatResolvesIsKeptWhenAnotherNameDoesNot() throws Exception {
        dns.setAddresses("seeds.cluster.test", ip("127.0.0.1"));
        assertThat(provider("gone.cluster.test", "seeds.cluster.test").seeds().join())
                .containsExactly(at("127.0.0.1", 7946));
    }

    @Test
    void nothingFoundFailsNamingTheSeeds() {
        assertThatThrownBy(() -> provider("gone.cluster.test", "dns+srv://_none._tcp.cluster.test")
                        .seeds()
                        .join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(UnknownHostException.class)
                .hasMessageContaining("gone.cluster.test")
                .hasMessageContaining("_none._tcp.cluster.test");
    }

    @Test
    void aMalformedSeedIsRejectedNamingIt() {
        for (String bad : List.of("dns+srv://", "host:0", "host:http", "[::1", "a b", "node/10.0.0.1:7946")) {
            assertThatThrownBy(() -> new DnsSeedProvider(List.of(bad), 7946))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }
}
