package dev.memberlist.spring.boot.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.spring.boot.test.AutoConfigureMemberlist.Network;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.TestContextManager;

/** Three contexts of one test JVM on the in-memory network see each other join. */
@SpringBootTest(classes = TestApplication.class, properties = "spring.config.name=production")
@AutoConfigureMemberlist(network = Network.IN_MEMORY)
class InMemoryNetworkTests {

    @Autowired
    Memberlist memberlist;

    @Autowired
    TestApplication.JoinedMembers joined;

    @Test
    void threeContextsFormOneClusterWithoutASocket() throws Exception {
        Second second = new Second();
        new TestContextManager(Second.class).prepareTestInstance(second);
        Third third = new Third();
        new TestContextManager(Third.class).prepareTestInstance(third);
        List<Memberlist> nodes = List.of(this.memberlist, second.memberlist, third.memberlist);
        Set<String> names = nodes.stream().map(Memberlist::name).collect(Collectors.toSet());
        assertThat(names).hasSize(3).allMatch((name) -> name.startsWith("test-"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (Memberlist node : nodes) {
                assertThat(node.members()).extracting(Node::name).containsExactlyInAnyOrderElementsOf(names);
            }
        });
        // each application heard the others join, as its @EventListener
        List<TestApplication.JoinedMembers> heard = List.of(this.joined, second.joined, third.joined);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(heard)
                .allSatisfy((h) -> assertThat(h.names).containsAll(names)));
        // on the in-memory network, not on sockets: every node is one of its live addresses
        assertThat(MemberlistTestNetwork.inMemory().liveAddresses())
                .extracting((address) -> address.socketAddress().getPort())
                .containsAll(nodes.stream()
                        .map((node) -> node.advertiseAddress().getPort())
                        .toList());
    }

    @SpringBootTest(
            classes = TestApplication.class,
            properties = {"spring.config.name=production", "test.context=second"})
    @AutoConfigureMemberlist(network = Network.IN_MEMORY)
    static class Second {

        @Autowired
        Memberlist memberlist;

        @Autowired
        TestApplication.JoinedMembers joined;
    }

    @SpringBootTest(
            classes = TestApplication.class,
            properties = {"spring.config.name=production", "test.context=third"})
    @AutoConfigureMemberlist(network = Network.IN_MEMORY)
    static class Third {

        @Autowired
        Memberlist memberlist;

        @Autowired
        TestApplication.JoinedMembers joined;
    }
}
