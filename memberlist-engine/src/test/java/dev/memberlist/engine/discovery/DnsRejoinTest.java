package dev.memberlist.engine.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.MemberlistException;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster found, lost and found again through one DNS name (issue 11): three nodes on real
 * sockets whose only seed is {@code dns+srv://_memberlist._tcp.cluster.test}, served by a DNS
 * server on loopback. No address is written anywhere: the nodes bind port 0 and the test
 * publishes in DNS whatever ports they got, as a Kubernetes headless Service publishes pods.
 */
class DnsRejoinTest {
    private static final String SEED = "dns+srv://_memberlist._tcp.cluster.test";
    private static final String[] NAMES = {"n0", "n1", "n2"};

    private final List<Memberlist> nodes = new ArrayList<>();
    private final List<DnsSeedProvider> providers = new ArrayList<>();
    private LoopbackDnsServer dns;

    @AfterEach
    void stop() {
        nodes.forEach(Memberlist::shutdown);
        providers.forEach(DnsSeedProvider::close);
        if (dns != null) {
            dns.close();
        }
    }

    private Memberlist start(String name, Duration rejoinInterval) throws Exception {
        DnsSeedProvider seeds = new DnsSeedProvider(List.of(SEED), 7946, List.of(dns.address()), Duration.ofSeconds(2));
        providers.add(seeds);
        Memberlist m = Memberlist.create(Config.lan()
                .setName(name)
                .setBindAddr("127.0.0.1")
                .setAdvertiseAddr("127.0.0.1")
                .setBindPort(0)
                .setSeedProvider(seeds)
                .setRejoinInterval(rejoinInterval));
        nodes.add(m);
        return m;
    }

    /** Publishes the nodes in DNS as they are now: one SRV record each, target name to 127.0.0.1. */
    private void publish(List<Memberlist> running) throws Exception {
        List<LoopbackDnsServer.Srv> records = new ArrayList<>();
        for (Memberlist m : running) {
            String target = m.name() + ".pods.cluster.test";
            dns.setAddresses(target, InetAddress.getLoopbackAddress());
            records.add(new LoopbackDnsServer.Srv(target, m.advertiseAddress().getPort()));
        }
        dns.setServices("_memberlist._tcp.cluster.test", records.toArray(LoopbackDnsServer.Srv[]::new));
    }

    private static Map<String, String> view(Memberlist m) {
        return m.members().stream()
                .filter(n -> n.state() == NodeState.ALIVE)
                .collect(Collectors.toMap(Node::name, n -> n.inetAddress().getHostAddress() + ":" + n.port()));
    }

    private static void awaitOneCluster(List<Memberlist> generation) {
        Map<String, String> expected = generation.stream()
                .collect(Collectors.toMap(
                        Memberlist::name,
                        m -> "127.0.0.1:" + m.advertiseAddress().getPort()));
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    for (Memberlist m : generation) {
                        assertThat(view(m)).as(m.name()).isEqualTo(expected);
                    }
                });
    }

    @Test
    void aClusterRestartedOnNewPortsFindsItselfAgainThroughOneDnsName() throws Exception {
        dns = new LoopbackDnsServer();
        Duration rejoin = Duration.ofMillis(250);

        // first generation: the nodes start before DNS lists anyone (pods not yet ready), so
        // their first join finds nobody; the rejoin loop forms the cluster once DNS lists them
        List<Memberlist> first = new ArrayList<>();
        for (String name : NAMES) {
            first.add(start(name, rejoin));
        }
        assertThatThrownBy(() -> first.get(0).joinSeeds())
                .isInstanceOf(MemberlistException.class)
                .hasMessageContaining("no seeds found");
        publish(first);
        awaitOneCluster(first);

        // all of them die at once (no leave), as in a rollout of every pod
        first.forEach(Memberlist::shutdown);

        // second generation: same names, new ports; DNS still lists the dead ports for a while
        List<Memberlist> second = new ArrayList<>();
        for (String name : NAMES) {
            second.add(start(name, rejoin));
        }
        awaitDnsStaleWithoutAJoin(second);
        publish(second);
        awaitOneCluster(second);
    }

    /** While DNS lists only the dead, nobody joins anybody (and nobody crashes trying). */
    private void awaitDnsStaleWithoutAJoin(List<Memberlist> generation) {
        int asked = dns.queries();
        // several rejoin rounds have looked the name up
        await().atMost(Duration.ofSeconds(30)).until(() -> dns.queries() >= asked + 3 * generation.size());
        for (Memberlist m : generation) {
            assertThat(m.numMembers()).as(m.name()).isEqualTo(1);
        }
    }

    @Test
    void withoutARejoinIntervalTheNodesStayApart() throws Exception {
        dns = new LoopbackDnsServer();
        List<Memberlist> generation = new ArrayList<>();
        for (String name : NAMES) {
            generation.add(start(name, Duration.ZERO));
        }
        publish(generation);
        // only an explicit join brings them together: n1 and n2 join through the name
        assertThat(generation.get(1).joinSeeds()).isEqualTo(2);
        assertThat(generation.get(2).joinSeeds()).isEqualTo(2);
        awaitOneCluster(generation);
    }
}
