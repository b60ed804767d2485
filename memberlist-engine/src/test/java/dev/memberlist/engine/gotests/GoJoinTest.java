package dev.memberlist.engine.gotests;

import static dev.memberlist.engine.gotests.Loopback.bindAddr;
import static dev.memberlist.engine.gotests.Loopback.bindPort;
import static dev.memberlist.engine.gotests.Loopback.seed;
import static dev.memberlist.engine.gotests.Loopback.testConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.MemberlistException;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.delegate.AliveDelegate;
import dev.memberlist.engine.delegate.ConflictDelegate;
import dev.memberlist.engine.delegate.MergeDelegate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Go memberlist's join tests (memberlist_test.go, 0.2.2 and HEAD) on real loopback sockets:
 * plain joins, joins cancelled by the merge and alive delegates, protocol version mixes, IPv6,
 * a seed that never answers, labels (with and without encryption), address filtering by
 * CIDR, and name conflicts.
 *
 * <p>Go checks both sides right after Join returns. The seed merges the joiner's state after
 * it has replied, in Go as here, so checks of the seed's side wait briefly for that merge.
 */
class GoJoinTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final byte[] TEST_KEY = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

    private final Loopback net = new Loopback();

    @AfterEach
    void close() {
        net.close();
    }

    private static void awaitMembers(Memberlist m, int n) {
        await().atMost(WAIT)
                .untilAsserted(() ->
                        assertThat(m.members()).as("%s's members", m.name()).hasSize(n));
    }

    @Test
    @DisplayName("TestMemberlist_Join")
    void join() {
        Memberlist m1 = net.create(testConfig());
        Memberlist m2 = net.create(testConfig().setBindPort(bindPort(m1)));

        int num = m2.join(List.of(seed(m1)));
        assertThat(num).isEqualTo(1);

        assertThat(m2.members()).hasSize(2);
        assertThat(m2.nodes()).as("estNumNodes").hasSize(2);
        awaitMembers(m1, 2);
    }

    @Test
    @DisplayName("TestMemberlist_JoinDifferentNetworksUniqueMask")
    void joinDifferentNetworksUniqueMask() {
        Memberlist m1 = net.create(testConfig(0).setCidrsAllowed(List.of("127.0.0.0/8")));
        Memberlist m2 =
                net.create(testConfig(1).setCidrsAllowed(List.of("127.0.0.0/8")).setBindPort(bindPort(m1)));

        int num = m2.join(List.of(seed(m1)));
        assertThat(num).isEqualTo(1);

        assertThat(m2.members()).hasSize(2);
        assertThat(m2.nodes()).as("estNumNodes").hasSize(2);
    }

    @Test
    @DisplayName("TestMemberlist_JoinDifferentNetworksMultiMasks")
    void joinDifferentNetworksMultiMasks() {
        List<String> twoNets = List.of("127.0.0.0/24", "127.0.1.0/24");
        Memberlist m1 = net.create(testConfig(0).setCidrsAllowed(twoNets));
        int port = bindPort(m1);
        Memberlist m2 = net.create(testConfig(1).setCidrsAllowed(twoNets).setBindPort(port));

        assertThat(m2.join(List.of(seed(m1)))).isEqualTo(1);
        assertThat(m2.members()).hasSize(2);

        // a rogue node that allows all networks sees the others, but they do not see it
        Memberlist m3 =
                net.create(testConfig(2).setCidrsAllowed(List.of("127.0.0.0/8")).setBindPort(port));
        assertThat(m3.join(List.of(seed(m1)))).isEqualTo(1);
        assertThat(m3.members()).as("the rogue sees everyone").hasSize(3);

        // give the seed time to merge (and refuse) the rogue's state, and gossip to settle
        sleep(Duration.ofMillis(500));
        assertThat(m1.members()).hasSize(2);
        assertThat(m1.nodes()).as("m1 estNumNodes").hasSize(2);
        assertThat(m2.members()).hasSize(2);
        assertThat(m2.nodes()).as("m2 estNumNodes").hasSize(2);

        // another rogue, this time with a config that denies itself: it does not even hold
        // itself alive; it joins by address only, which node names being required refuses
        Memberlist m4 = net.create(testConfig(2).setCidrsAllowed(twoNets).setBindPort(port));
        assertThat(m4.localNode()).as("m4 refused its own address").isNull();
        assertThatThrownBy(() -> m4.join(List.of(bindAddr(m1), bindAddr(m2))))
                .isInstanceOf(MemberlistException.class)
                .hasMessageContaining("node names are required");

        sleep(Duration.ofMillis(500));
        assertThat(m1.members()).hasSize(2);
        assertThat(m1.nodes()).hasSize(2);
        assertThat(m2.members()).hasSize(2);
        assertThat(m2.nodes()).hasSize(2);
    }

    /** Go's CustomMergeDelegate: cancels every merge. */
    private static final class CancelMerge implements MergeDelegate {
        volatile boolean invoked;

        @Override
        public void notifyMerge(List<Node> peers) {
            invoked = true;
            throw new IllegalStateException("Custom merge canceled");
        }
    }

    @Test
    @DisplayName("TestMemberlist_Join_Cancel")
    void joinCancel() {
        CancelMerge merge1 = new CancelMerge();
        CancelMerge merge2 = new CancelMerge();
        Memberlist m1 = net.create(testConfig().setMerge(merge1));
        Memberlist m2 = net.create(testConfig().setBindPort(bindPort(m1)).setMerge(merge2));

        // Go returns (0, err); ours throws when no seed could be joined
        assertThatThrownBy(() -> m2.join(List.of(seed(m1))))
                .isInstanceOf(MemberlistException.class)
                .hasMessageContaining("Custom merge canceled");

        await().atMost(WAIT).until(() -> merge1.invoked);
        assertThat(merge2.invoked).as("should invoke delegate").isTrue();
        assertThat(m2.members()).hasSize(1);
        assertThat(m1.members()).hasSize(1);
    }

    /** Go's CustomAliveDelegate: lets only its own node through. */
    private static final class OnlySelf implements AliveDelegate {
        final String ignore;
        final AtomicInteger count = new AtomicInteger();
        final AtomicInteger rejected = new AtomicInteger();

        OnlySelf(String ignore) {
            this.ignore = ignore;
        }

        @Override
        public void notifyAlive(Node peer) {
            count.incrementAndGet();
            if (!peer.name().equals(ignore)) {
                rejected.incrementAndGet();
                throw new IllegalStateException("Custom alive canceled");
            }
        }
    }

    @Test
    @DisplayName("TestMemberlist_Join_Cancel_Passive")
    void joinCancelPassive() {
        Config c1 = testConfig();
        OnlySelf alive1 = new OnlySelf(c1.getName());
        Memberlist m1 = net.create(c1.setAlive(alive1));
        Config c2 = testConfig().setBindPort(bindPort(m1));
        OnlySelf alive2 = new OnlySelf(c2.getName());
        Memberlist m2 = net.create(c2.setAlive(alive2));

        assertThat(m2.join(List.of(seed(m1)))).isEqualTo(1);

        await().atMost(WAIT).until(() -> alive1.rejected.get() > 0);
        assertThat(m2.members()).hasSize(1);
        assertThat(m1.members()).hasSize(1);
        assertThat(alive1.count.get()).as("should invoke delegate").isPositive();
        assertThat(alive2.count.get()).as("should invoke delegate").isPositive();
    }

    @Test
    @DisplayName("TestMemberlist_Join_protocolVersions")
    void joinProtocolVersions() {
        Memberlist m1 = net.create(testConfig());
        int port = bindPort(m1);
        Memberlist m2 = net.create(testConfig().setBindPort(port));
        Memberlist m3 = net.create(testConfig().setBindPort(port).setProtocolVersion(Config.PROTOCOL_VERSION_MAX));

        m1.join(List.of(seed(m2)));
        sleep(Duration.ofMillis(250)); // Go's yield()
        m1.join(List.of(seed(m3)));

        awaitMembers(m1, 3);
    }

    @Test
    @DisplayName("TestMemberlist_Join_DeadNode")
    void joinDeadNode() throws IOException {
        Memberlist m1 = net.create(testConfig().setTcpTimeout(Duration.ofMillis(50)));

        // a second "node" that is just a TCP listener that never responds: tests our deadlines
        String addr2 = Loopback.bindAddr(0);
        try (ServerSocket list = new ServerSocket()) {
            list.bind(new InetSocketAddress(InetAddress.getByName(addr2), bindPort(m1)));

            long start = System.nanoTime();
            assertThatThrownBy(() -> m1.join(List.of("fake/" + addr2))).isInstanceOf(MemberlistException.class);
            // Go panics if it has not timed out after 100 ms; a JVM's timers get some slack
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
        }
    }

    /** Nodes speaking different protocol versions discover each other. */
    @ParameterizedTest(name = "{0},{1}")
    @DisplayName("TestMemberlist_Join_Protocol_Compatibility")
    @CsvSource({"2, 1", "2, 3", "3, 2", "3, 1"})
    void joinProtocolCompatibility(int pv1, int pv2) {
        Memberlist m1 = net.create(testConfig().setProtocolVersion(pv1));
        Memberlist m2 = net.create(testConfig().setBindPort(bindPort(m1)).setProtocolVersion(pv2));

        assertThat(m2.join(List.of(seed(m1)))).isEqualTo(1);

        assertThat(m2.members()).hasSize(2);
        awaitMembers(m1, 2);
    }

    /** Go binds "[::1]", which it fails to parse and so binds every interface; we bind ::1. */
    @Test
    @DisplayName("TestMemberlist_Join_IPv6")
    void joinIpv6() {
        Memberlist m1 = net.create(Config.lan().setName("A").setBindAddr("::1").setBindPort(0));
        Memberlist m2 = net.create(Config.lan().setName("B").setBindAddr("::1").setBindPort(0));

        int num = m2.join(List.of(m1.name() + "/[::1]:" + bindPort(m1)));
        assertThat(num).isEqualTo(1);

        assertThat(m2.members()).hasSize(2);
        awaitMembers(m1, 2);
        assertThat(m2.node("A").address()).isEqualTo("[0:0:0:0:0:0:0:1]:" + bindPort(m1));
        assertThat(m2.node("A").addr()).hasSize(16);
    }

    @Test
    @DisplayName("TestMemberlist_Join_with_Labels")
    void joinWithLabels() {
        joinWithLabels(null);
    }

    @Test
    @DisplayName("TestMemberlist_Join_with_Labels_and_Encryption")
    void joinWithLabelsAndEncryption() {
        joinWithLabels(TEST_KEY);
    }

    private void joinWithLabels(byte[] secretKey) {
        Memberlist m1 = net.create(testConfig().setLabel("blah").setSecretKey(secretKey));
        int port = bindPort(m1);
        Memberlist m2 =
                net.create(testConfig().setLabel("blah").setBindPort(port).setSecretKey(secretKey));

        // same label can join
        assertThat(m2.join(List.of(seed(m1)))).isEqualTo(1);
        checkHost(m2, 2);
        await().atMost(WAIT).untilAsserted(() -> checkHost(m1, 2));

        // no label cannot join
        Memberlist m3 = net.create(testConfig().setLabel("").setBindPort(port).setSecretKey(secretKey));
        assertThatThrownBy(() -> m3.join(List.of(seed(m1)))).isInstanceOf(MemberlistException.class);
        checkHost(m3, 1);
        checkHost(m2, 2);
        checkHost(m1, 2);

        // mismatched label cannot join
        Memberlist m4 =
                net.create(testConfig().setLabel("not-blah").setBindPort(port).setSecretKey(secretKey));
        assertThatThrownBy(() -> m4.join(List.of(seed(m1)))).isInstanceOf(MemberlistException.class);
        checkHost(m4, 1);
        checkHost(m3, 1);
        checkHost(m2, 2);
        checkHost(m1, 2);
    }

    private static void checkHost(Memberlist m, int expected) {
        assertThat(m.members()).as("%s members", m.name()).hasSize(expected);
        assertThat(m.nodes()).as("%s estNumNodes", m.name()).hasSize(expected);
    }

    /** Go's MockConflict. */
    private static final class MockConflict implements ConflictDelegate {
        volatile Node existing;
        volatile Node other;

        @Override
        public void notifyConflict(Node existing, Node other) {
            this.existing = existing;
            this.other = other;
        }
    }

    @Test
    @DisplayName("TestMemberlist_conflictDelegate")
    void conflictDelegate() {
        MockConflict mock = new MockConflict();
        Config c1 = testConfig().setConflict(mock);
        Memberlist m1 = net.create(c1);
        // ensure a name conflict
        Config c2 = testConfig().setName(c1.getName()).setBindPort(bindPort(m1));
        Memberlist m2 = net.create(c2);

        assertThat(m1.join(List.of(c2.getName() + "/" + c2.getBindAddr()))).isEqualTo(1);

        await().atMost(WAIT).until(() -> mock.existing != null && mock.other != null);
        assertThat(mock.existing.name()).isEqualTo(mock.other.name());
        assertThat(mock.existing.address()).isEqualTo(m1.localNode().address());
        assertThat(mock.other.address()).isEqualTo(m2.localNode().address());
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
