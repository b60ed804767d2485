package dev.memberlist.engine.gotests;

import static dev.memberlist.engine.gotests.GoJoinTest.sleep;
import static dev.memberlist.engine.gotests.Loopback.bindAddr;
import static dev.memberlist.engine.gotests.Loopback.bindPort;
import static dev.memberlist.engine.gotests.Loopback.seed;
import static dev.memberlist.engine.gotests.Loopback.testConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.engine.delegate.PingDelegate;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Go memberlist's cluster-level tests (memberlist_test.go) on real loopback sockets: leave,
 * crash detection, metadata and its updates, user data over push-pull and gossip, user
 * messages, the ping delegate, the advertised address, and the step-by-step move to
 * encrypted gossip. Go's fixed sleeps ({@code yield()}, 250 ms) become bounded waits.
 */
class GoClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Loopback net = new Loopback();

    @AfterEach
    void close() {
        net.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Go's waitUntilSize (15 tries, 500 ms apart). */
    private static void waitUntilSize(Memberlist m, int expected) {
        await().atMost(Duration.ofMillis(7500))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(m.numMembers())
                        .as("%s expected to have %d members but had: %s", m.name(), expected, m.members())
                        .isEqualTo(expected));
    }

    @Test
    @DisplayName("TestMemberlist_Leave")
    void leave() {
        Memberlist m1 = net.create(testConfig().setGossipInterval(Duration.ofMillis(1)));
        Memberlist m2 =
                net.create(testConfig().setGossipInterval(Duration.ofMillis(1)).setBindPort(bindPort(m1)));

        assertThat(m2.join(List.of(seed(m1)))).isEqualTo(1);
        assertThat(m2.members()).hasSize(2);

        m1.leave(Duration.ofSeconds(1));

        // m1 holds itself left; m2 learns it by gossip
        assertThat(m1.members()).hasSize(1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(m2.members()).hasSize(1));
        assertThat(m2.node(m1.name()).state()).isEqualTo(NodeState.LEFT);
    }

    @Test
    @DisplayName("TestMemberlist_JoinShutdown")
    void joinShutdown() {
        Config c1 = testConfig()
                .setProbeInterval(Duration.ofMillis(1))
                .setProbeTimeout(Duration.ofNanos(100_000))
                .setSuspicionMaxTimeoutMult(1);
        Memberlist m1 = net.create(c1);
        Memberlist m2 = net.create(testConfig()
                .setProbeInterval(Duration.ofMillis(1))
                .setProbeTimeout(Duration.ofNanos(100_000))
                .setSuspicionMaxTimeoutMult(1)
                .setBindPort(bindPort(m1)));

        assertThat(m2.join(List.of(seed(m1)))).isEqualTo(1);
        assertThat(m2.members()).hasSize(2);

        m1.shutdown();

        // Go 0.2.2 sleeps 10 ms; HEAD waits for the condition
        await().atMost(WAIT).untilAsserted(() -> assertThat(m2.members()).hasSize(1));
        assertThat(m2.node(m1.name()).state()).isEqualTo(NodeState.DEAD);
    }

    private static Map<String, String> roles(Memberlist m) {
        Map<String, String> roles = new HashMap<>();
        for (Node n : m.members()) {
            roles.put(n.name(), n.metaString());
        }
        return roles;
    }

    @Test
    @DisplayName("TestMemberlist_delegateMeta")
    void delegateMeta() {
        Config c1 = testConfig().setDelegate(new MockDelegate(bytes("web")));
        Memberlist m1 = net.create(c1);
        Config c2 = testConfig().setBindPort(bindPort(m1)).setDelegate(new MockDelegate(bytes("lb")));
        Memberlist m2 = net.create(c2);

        m1.join(List.of(seed(m2)));

        Map<String, String> expected = Map.of(c1.getName(), "web", c2.getName(), "lb");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(roles(m1)).isEqualTo(expected);
            assertThat(roles(m2)).isEqualTo(expected);
        });
    }

    @Test
    @DisplayName("TestMemberlist_delegateMeta_Update")
    void delegateMetaUpdate() {
        MockDelegate mock1 = new MockDelegate(bytes("web"));
        Config c1 = testConfig().setDelegate(mock1);
        Memberlist m1 = net.create(c1);
        MockDelegate mock2 = new MockDelegate(bytes("lb"));
        Config c2 = testConfig().setBindPort(bindPort(m1)).setDelegate(mock2);
        Memberlist m2 = net.create(c2);

        m1.join(List.of(seed(m2)));
        await().atMost(WAIT).untilAsserted(() -> assertThat(m2.members()).hasSize(2));

        // update the metadata roles
        mock1.setMeta(bytes("api"));
        mock2.setMeta(bytes("db"));

        // zero waits until the update was gossiped enough times
        m1.updateNode(Duration.ZERO);
        m2.updateNode(Duration.ZERO);

        Map<String, String> expected = Map.of(c1.getName(), "api", c2.getName(), "db");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(roles(m1)).isEqualTo(expected);
            assertThat(roles(m2)).isEqualTo(expected);
        });
    }

    @Test
    @DisplayName("TestMemberlist_UserData")
    void userData() {
        MockDelegate d1 = new MockDelegate();
        d1.setState(bytes("something"));
        Memberlist m1 = net.create(testConfig()
                .setGossipInterval(Duration.ofMillis(100))
                .setPushPullInterval(Duration.ofMillis(100))
                .setDelegate(d1));

        // the second delegate has things to send
        List<byte[]> bcasts = List.of(bytes("test"), bytes("foobar"));
        MockDelegate d2 = new MockDelegate();
        d2.setBroadcasts(bcasts);
        d2.setState(bytes("my state"));
        Memberlist m2 = net.create(testConfig()
                .setGossipInterval(Duration.ofMillis(100))
                .setPushPullInterval(Duration.ofMillis(100))
                .setDelegate(d2)
                .setBindPort(bindPort(m1)));

        assertThat(m2.join(List.of(seed(m1)))).isEqualTo(1);
        assertThat(m2.numMembers()).isEqualTo(2);

        await().atMost(WAIT).untilAsserted(() -> {
            // the broadcasts arrived, in either order
            assertThat(d1.getMessages()).containsExactlyInAnyOrderElementsOf(bcasts);
            // and the push-pull states
            assertThat(d1.getRemoteState()).isEqualTo(bytes("my state"));
            assertThat(d2.getRemoteState()).isEqualTo(bytes("something"));
        });
    }

    private Memberlist[] sendPair(MockDelegate d1, MockDelegate d2) {
        Memberlist m1 = net.create(testConfig()
                .setGossipInterval(Duration.ofMillis(1))
                .setPushPullInterval(Duration.ofMillis(1))
                .setDelegate(d1));
        Memberlist m2 = net.create(testConfig()
                .setGossipInterval(Duration.ofMillis(1))
                .setPushPullInterval(Duration.ofMillis(1))
                .setDelegate(d2)
                .setBindPort(bindPort(m1)));
        assertThat(m2.join(List.of(seed(m1)))).isEqualTo(1);
        assertThat(m2.numMembers()).isEqualTo(2);
        return new Memberlist[] {m1, m2};
    }

    private static void awaitOneMessage(MockDelegate d, String msg) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(d.getMessages()).hasSize(1));
        sleep(Duration.ofMillis(20)); // and no more
        assertThat(d.getMessages()).singleElement().isEqualTo(bytes(msg));
    }

    @Test
    @DisplayName("TestMemberlist_SendTo")
    void sendTo() {
        MockDelegate d1 = new MockDelegate();
        MockDelegate d2 = new MockDelegate();
        Memberlist[] ms = sendPair(d1, d2);

        // a direct send
        ms[0].sendToAddress(new Address(ms[1].advertiseAddress(), ms[1].name()), bytes("ping"));
        ms[1].sendToAddress(new Address(ms[0].advertiseAddress(), ms[0].name()), bytes("pong"));

        awaitOneMessage(d1, "pong");
        awaitOneMessage(d2, "ping");
    }

    /** Go's SendTo test with SendBestEffort, the per-node packet API. */
    @Test
    @DisplayName("TestMemberlist_SendTo (SendBestEffort)")
    void sendBestEffort() {
        MockDelegate d1 = new MockDelegate();
        MockDelegate d2 = new MockDelegate();
        Memberlist[] ms = sendPair(d1, d2);

        ms[0].sendBestEffort(ms[0].node(ms[1].name()), bytes("ping"));
        ms[1].sendBestEffort(ms[1].node(ms[0].name()), bytes("pong"));

        awaitOneMessage(d1, "pong");
        awaitOneMessage(d2, "ping");
    }

    /** Go's SendTo test with SendReliable, over a stream. */
    @Test
    @DisplayName("TestMemberlist_SendTo (SendReliable)")
    void sendReliable() {
        MockDelegate d1 = new MockDelegate();
        MockDelegate d2 = new MockDelegate();
        Memberlist[] ms = sendPair(d1, d2);

        ms[0].sendReliable(ms[0].node(ms[1].name()), bytes("ping"));
        ms[1].sendReliable(ms[1].node(ms[0].name()), bytes("pong"));

        awaitOneMessage(d1, "pong");
        awaitOneMessage(d2, "ping");
    }

    /** Go's MockPing. */
    private static final class MockPing implements PingDelegate {
        volatile Node other;
        volatile Duration rtt;
        volatile byte[] payload;

        @Override
        public byte[] ackPayload() {
            return bytes("whatever");
        }

        @Override
        public synchronized void notifyPingComplete(Node other, Duration rtt, byte[] payload) {
            this.other = other;
            this.rtt = rtt;
            this.payload = payload;
        }
    }

    @Test
    @DisplayName("TestMemberlist_PingDelegate")
    void pingDelegate() {
        Memberlist m1 =
                net.create(testConfig().setProbeInterval(Duration.ofMillis(100)).setPing(new MockPing()));
        MockPing mock = new MockPing();
        Memberlist m2 = net.create(testConfig()
                .setProbeInterval(Duration.ofMillis(100))
                .setPing(mock)
                .setBindPort(bindPort(m1)));

        assertThat(m2.join(List.of(seed(m1)))).isEqualTo(1);
        waitUntilSize(m1, 2);
        waitUntilSize(m2, 2);

        sleep(Duration.ofMillis(200));
        await().atMost(WAIT).until(() -> mock.other != null);

        m1.shutdown();
        m2.shutdown();

        assertThat(mock.other).as("notified about the correct node").isEqualTo(m1.localNode());
        assertThat(mock.rtt).isPositive();
        assertThat(mock.payload).isEqualTo(bytes("whatever"));
    }

    /** A port free on an address now, as Go's reservePort. */
    private static int reservePort(String ip) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(ip), 0));
            return s.getLocalPort();
        }
    }

    @Test
    @DisplayName("TestAdvertiseAddr")
    void advertiseAddr() throws IOException {
        String bind = Loopback.bindAddr(0);
        String advertise = Loopback.bindAddr(0);
        int bindPort = reservePort(bind);
        int advertisePort = reservePort(advertise);

        Memberlist m = net.create(Config.lan()
                .setBindAddr(bind)
                .setBindPort(bindPort)
                .setName(bind)
                .setAdvertiseAddr(advertise)
                .setAdvertisePort(advertisePort));

        List<Node> members = m.members();
        assertThat(members).hasSize(1);
        assertThat(members.get(0).inetAddress().getHostAddress()).isEqualTo(advertise);
        assertThat(members.get(0).port()).isEqualTo(advertisePort);
    }

    // ---- TestMemberlist_EncryptedGossipTransition ---------------------------------------------

    /**
     * The recommended upgrade to gossip encryption, with two nodes m0 and m1: (0) start
     * unencrypted; (1) set a key with GossipVerifyIncoming and GossipVerifyOutgoing false on
     * every node; (2) turn GossipVerifyOutgoing on; (3) turn GossipVerifyIncoming on. Each
     * node is upgraded by leaving, shutting down and coming back on the same address.
     */
    @Test
    @DisplayName("TestMemberlist_EncryptedGossipTransition")
    void encryptedGossipTransition() {
        // Go uses the 24 characters themselves as the key (AES-192), not their base64 decoding
        byte[] key = "Hi16ZXu2lNCRVwtr20khAg==".getBytes(StandardCharsets.US_ASCII);
        Transition t = new Transition();

        // ==== STEP 0 ==== a two-node cluster without encryption
        Memberlist m0 = t.create(t.newConfig(null));
        Memberlist m1 = t.create(t.newConfig(null));
        t.joinOK(m1, m0, 2);

        // ==== STEP 1 ==== both encryption-aware, neither encrypting nor verifying
        t.leaveAndShutdown(m0, m1);
        m0 = t.create(t.newConfig(bindAddr(m0))
                .setSecretKey(key)
                .setGossipVerifyIncoming(false)
                .setGossipVerifyOutgoing(false));
        // m1 has no encryption; m0 can receive encrypted gossip but does not send it
        t.joinOK(m0, m1, 2);

        t.leaveAndShutdown(m1, m0);
        m1 = t.create(t.newConfig(bindAddr(m1))
                .setSecretKey(key)
                .setGossipVerifyIncoming(false)
                .setGossipVerifyOutgoing(false));
        t.joinOK(m1, m0, 2);

        // ==== STEP 2 ==== encrypting outgoing gossip, not yet verifying incoming
        t.leaveAndShutdown(m0, m1);
        m0 = t.create(t.newConfig(bindAddr(m0)).setSecretKey(key).setGossipVerifyIncoming(false));
        // only m0 sends encrypted gossip
        t.joinOK(m0, m1, 2);

        t.leaveAndShutdown(m1, m0);
        m1 = t.create(t.newConfig(bindAddr(m1)).setSecretKey(key).setGossipVerifyIncoming(false));
        t.joinOK(m1, m0, 2);

        // ==== STEP 3 ==== fully enforced
        t.leaveAndShutdown(m0, m1);
        m0 = t.create(t.newConfig(bindAddr(m0)).setSecretKey(key));
        // both encrypt, only m0 verifies
        t.joinOK(m0, m1, 2);

        t.leaveAndShutdown(m1, m0);
        m1 = t.create(t.newConfig(bindAddr(m1)).setSecretKey(key));
        t.joinOK(m1, m0, 2);
    }

    private final class Transition {
        int bindPort;

        Config newConfig(String addr) {
            String a = addr == null ? Loopback.bindAddr(0) : addr;
            return Config.lan()
                    .setName(a)
                    .setBindAddr(a)
                    .setBindPort(bindPort)
                    .setGossipInterval(Duration.ofMillis(100));
        }

        Memberlist create(Config c) {
            Memberlist m = net.create(c);
            if (bindPort == 0) {
                bindPort = bindPort(m);
            }
            return m;
        }

        void joinOK(Memberlist src, Memberlist dst, int numNodes) {
            assertThat(src.join(List.of(seed(dst)))).isEqualTo(1);
            waitUntilSize(src, numNodes);
            waitUntilSize(dst, numNodes);
            assertThat(src.members()).hasSize(numNodes);
            assertThat(src.nodes()).as("estNumNodes").hasSize(numNodes);
            assertThat(dst.members()).hasSize(numNodes);
            assertThat(dst.nodes()).as("estNumNodes").hasSize(numNodes);
        }

        void leaveAndShutdown(Memberlist leaver, Memberlist bystander) {
            leaver.leave(Duration.ofSeconds(1));
            waitUntilSize(bystander, 1);
            leaver.shutdown();
            // double check that it genuinely shut down
            waitUntilPortIsFree(bindAddr(leaver), bindPort);
            waitUntilSize(bystander, 1);
        }
    }

    private static void waitUntilPortIsFree(String addr, int port) {
        await().atMost(Duration.ofMillis(3750))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    InetSocketAddress sa = new InetSocketAddress(InetAddress.getByName(addr), port);
                    try (ServerSocket s = new ServerSocket();
                            DatagramSocket d = new DatagramSocket(null)) {
                        s.bind(sa);
                        d.bind(sa);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }
}
