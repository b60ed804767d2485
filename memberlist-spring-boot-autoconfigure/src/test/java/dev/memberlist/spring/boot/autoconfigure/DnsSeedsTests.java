package dev.memberlist.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.engine.discovery.DnsSeedProvider;
import dev.memberlist.engine.discovery.LoopbackDnsServer;
import dev.memberlist.engine.discovery.SeedProvider;
import dev.memberlist.spring.boot.MemberlistNode;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Applications whose only seed is one DNS name, answered by a real DNS server on loopback
 * ({@code memberlist.dns-servers}): they find each other once DNS lists them, and again after
 * every one of them restarted on a new port, with no address in their configuration.
 */
class DnsSeedsTests {

    private static final String SEED = "dns+srv://_memberlist._tcp.cluster.test";

    private final LoopbackApplications applications = new LoopbackApplications();

    private LoopbackDnsServer dns;

    @AfterEach
    void close() {
        this.applications.close();
        if (this.dns != null) {
            this.dns.close();
        }
    }

    private ConfigurableApplicationContext start(String name) {
        return this.applications.start(
                Application.class,
                name,
                SEED,
                "memberlist.dns-servers=127.0.0.1:" + this.dns.address().getPort(),
                "memberlist.rejoin-interval=250ms",
                // start-up does not wait for DNS to list anyone
                "memberlist.join-timeout=1s");
    }

    private void publish(List<ConfigurableApplicationContext> running) {
        List<LoopbackDnsServer.Srv> records = new ArrayList<>();
        for (ConfigurableApplicationContext context : running) {
            Memberlist node = context.getBean(MemberlistNode.class).getMemberlist();
            String target = node.name() + ".pods.cluster.test";
            this.dns.setAddresses(target, InetAddress.getLoopbackAddress());
            records.add(
                    new LoopbackDnsServer.Srv(target, node.advertiseAddress().getPort()));
        }
        this.dns.setServices("_memberlist._tcp.cluster.test", records.toArray(LoopbackDnsServer.Srv[]::new));
    }

    private static void awaitOneCluster(List<ConfigurableApplicationContext> running) {
        Set<String> names = running.stream()
                .map((c) -> c.getBean(MemberlistNode.class).getMemberlist().name())
                .collect(Collectors.toSet());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (ConfigurableApplicationContext context : running) {
                Memberlist node = context.getBean(MemberlistNode.class).getMemberlist();
                assertThat(node.members().stream()
                                .filter((m) -> m.state() == NodeState.ALIVE)
                                .map(Node::name))
                        .containsExactlyInAnyOrderElementsOf(names);
            }
        });
    }

    @Test
    void applicationsFindEachOtherThroughOneDnsNameAndAgainAfterAllRestartedOnNewPorts() throws Exception {
        this.dns = new LoopbackDnsServer();
        List<ConfigurableApplicationContext> first = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            first.add(start(name));
        }
        assertThat(first.get(0).getBean(SeedProvider.class)).isInstanceOf(DnsSeedProvider.class);
        publish(first);
        awaitOneCluster(first);

        // every application stops; new ones start on other ports (DNS still lists the old ones)
        first.forEach(ConfigurableApplicationContext::close);
        List<ConfigurableApplicationContext> second = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            second.add(start(name));
        }
        publish(second);
        awaitOneCluster(second);
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Application {}
}
