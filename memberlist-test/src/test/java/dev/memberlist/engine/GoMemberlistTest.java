package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memberlist.engine.security.Keyring;
import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.Dead;
import dev.memberlist.engine.wire.Suspect;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parts of Go memberlist 0.2.2's memberlist_test.go that look inside a node: creation and
 * its config checks, address resolution, the member list. Nodes bind real sockets on
 * 127.0.0.1 (port 0) where Go's test creates a node; the cluster-level tests are in
 * {@code dev.memberlist.engine.gotests}.
 */
class GoMemberlistTest {

    private static Config localConfig() {
        return Config.lan().setName("m").setBindAddr("127.0.0.1").setBindPort(0);
    }

    @Test
    @DisplayName("TestDefaultLANConfig_protocolVersion")
    void defaultLanConfigProtocolVersion() {
        assertThat(Config.lan().getProtocolVersion()).isEqualTo(Config.PROTOCOL_VERSION_2_COMPATIBLE);
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("TestCreate_protocolVersion")
    @CsvSource({"min, 1, false", "max, 5, false", "max+1, 6, true", "min-1, 4, false"})
    void createProtocolVersion(String name, int version, boolean err) throws IOException {
        Config c = localConfig().setProtocolVersion(version);
        if (err) {
            assertThatThrownBy(() -> Memberlist.create(c))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("protocolVersion");
        } else {
            Memberlist.create(c).shutdown();
        }
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("TestCreate_secretKey")
    @CsvSource({"size-0, 0, false", "abc, 3, true", "size-16, 16, false", "size-38, 38, true"})
    void createSecretKey(String name, int size, boolean err) throws IOException {
        Config c = localConfig().setSecretKey(new byte[size]);
        if (err) {
            assertThatThrownBy(() -> Memberlist.create(c))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("secretKey");
        } else {
            Memberlist.create(c).shutdown();
        }
    }

    @Test
    @DisplayName("TestCreate_secretKeyEmpty")
    void createSecretKeyEmpty() throws IOException {
        try (Memberlist m = Memberlist.create(localConfig().setSecretKey(new byte[0]))) {
            assertThat(m.ctx.config.encryptionEnabled())
                    .as("encryption disabled")
                    .isFalse();
        }
    }

    @Test
    @DisplayName("TestCreate_keyringOnly")
    void createKeyringOnly() throws IOException {
        Keyring keyring = Keyring.create(List.of(), new byte[16]);
        try (Memberlist m = Memberlist.create(localConfig().setKeyring(keyring))) {
            assertThat(m.ctx.config.encryptionEnabled())
                    .as("encryption enabled")
                    .isTrue();
        }
    }

    @Test
    @DisplayName("TestCreate_keyringAndSecretKey")
    void createKeyringAndSecretKey() throws IOException {
        Keyring keyring = Keyring.create(List.of(), new byte[16]);
        byte[] secret = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        Config c = localConfig().setKeyring(keyring).setSecretKey(secret);
        try (Memberlist m = Memberlist.create(c)) {
            assertThat(m.ctx.config.encryptionEnabled())
                    .as("encryption enabled")
                    .isTrue();
            // the secret key became the primary key of the keyring given
            assertThat(c.getKeyring().getKeys().get(0)).isEqualTo(secret);
            assertThat(keyring.getPrimaryKey()).isEqualTo(secret);
        }
    }

    @Test
    @DisplayName("TestCreate")
    void create() throws IOException {
        Config c = localConfig()
                .setProtocolVersion(Config.PROTOCOL_VERSION_MIN)
                .setDelegateProtocolVersion(13)
                .setDelegateProtocolMin(12)
                .setDelegateProtocolMax(24);
        try (Memberlist m = Memberlist.create(c)) {
            List<Node> members = m.members();
            assertThat(members).hasSize(1);
            Node n = members.get(0);
            assertThat(n.pMin()).isEqualTo(Config.PROTOCOL_VERSION_MIN);
            assertThat(n.pMax()).isEqualTo(Config.PROTOCOL_VERSION_MAX);
            assertThat(n.pCur()).isEqualTo(c.getProtocolVersion());
            assertThat(n.dMin()).isEqualTo(c.getDelegateProtocolMin());
            assertThat(n.dMax()).isEqualTo(c.getDelegateProtocolMax());
            assertThat(n.dCur()).isEqualTo(c.getDelegateProtocolVersion());
        }
    }

    @Test
    @DisplayName("TestMemberList_CreateShutdown")
    void createShutdown() throws IOException {
        Memberlist m = Memberlist.create(localConfig());
        m.shutdown();
        assertThat(m.isShutdown()).isTrue();
        // idempotent, as Go's
        m.shutdown();
    }

    @Test
    @DisplayName("TestMemberlistProtocolVersion")
    void memberlistProtocolVersion() throws IOException {
        try (Memberlist m = Memberlist.create(localConfig().setProtocolVersion(Config.PROTOCOL_VERSION_MAX))) {
            assertThat(m.protocolVersion()).isEqualTo(Config.PROTOCOL_VERSION_MAX);
        }
    }

    // ---- TestMemberList_ResolveAddr ---------------------------------------------------------

    /** Go's ipPort; a null ip means "any address" (Go's ignoreExpectIP). */
    private record IpPort(String ip, int port, String nodeName) {}

    static Stream<Arguments> resolveAddrCases() {
        int d = 7946; // the default port: our bind port
        String v6 = "2001:db8:a0b:12f0:0:0:0:1";
        List<Arguments> base = List.of(
                Arguments.of("localhost", "localhost", false, new IpPort(null, d, "")),
                Arguments.of("ipv6 pair", "[::1]:80", false, new IpPort("0:0:0:0:0:0:0:1", 80, "")),
                Arguments.of("ipv6 non-pair", "[::1]", false, new IpPort("0:0:0:0:0:0:0:1", d, "")),
                Arguments.of("hostless port", ":80", true, null),
                Arguments.of("hostname port combo", "localhost:80", false, new IpPort(null, 80, "")),
                Arguments.of("too high port", "localhost:80000", true, null),
                Arguments.of("ipv4 port combo", "127.0.0.1:80", false, new IpPort("127.0.0.1", 80, "")),
                Arguments.of("ipv6 port combo", "[2001:db8:a0b:12f0::1]:80", false, new IpPort(v6, 80, "")),
                Arguments.of("ipv4 port combo with empty tag", "/127.0.0.1:80", true, null),
                Arguments.of("ipv4 only", "127.0.0.1", false, new IpPort("127.0.0.1", d, "")),
                Arguments.of("ipv6 only", "[2001:db8:a0b:12f0::1]", false, new IpPort(v6, d, "")));
        // explode the cases to include tagged versions of everything
        List<Arguments> cases = new ArrayList<>();
        for (Arguments a : base) {
            cases.add(a);
            Object[] x = a.get();
            String in = (String) x[1];
            if (!in.contains("/")) {
                IpPort e = (IpPort) x[3];
                cases.add(Arguments.of(
                        x[0] + " (tagged)",
                        "foo.bar/" + in,
                        x[2],
                        e == null ? null : new IpPort(e.ip(), e.port(), "foo.bar")));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("TestMemberList_ResolveAddr")
    @MethodSource("resolveAddrCases")
    void resolveAddr(String name, String in, boolean expectErr, IpPort expect) throws UnknownHostException {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            if (expectErr) {
                assertThatThrownBy(() -> m.resolveAddr(in))
                        .isInstanceOfAny(IllegalArgumentException.class, UnknownHostException.class);
                return;
            }
            List<Address> got = m.resolveAddr(in);
            assertThat(got).isNotEmpty();
            Address a = got.get(0);
            if (expect.ip() == null) {
                assertThat(got).hasSizeGreaterThanOrEqualTo(1);
            } else {
                assertThat(got).hasSize(1);
                assertThat(a.socketAddress().getAddress()).isEqualTo(InetAddress.getByName(expect.ip()));
            }
            assertThat(a.socketAddress().getPort()).isEqualTo(expect.port());
            assertThat(a.name()).isEqualTo(expect.nodeName());
        }
    }

    // ---- members ----------------------------------------------------------------------------

    @Test
    @DisplayName("TestMemberList_Members")
    void members() {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("m", null);
            byte[] vsn = m.ctx.config.buildVsnArray();
            byte[] ip = {127, 0, 0, 1};
            m.ctx.membership.aliveNode(new Alive(1, "test", ip, 0, null, vsn), null, false);
            m.ctx.membership.aliveNode(new Alive(1, "test2", ip, 1, null, vsn), null, false);
            m.ctx.membership.deadNode(new Dead(1, "test2", ""));
            m.ctx.membership.aliveNode(new Alive(1, "test3", ip, 2, null, vsn), null, false);
            m.ctx.membership.suspectNode(new Suspect(1, "test3", ""));

            // Go returns them in its (shuffled) probe order; the set is what counts
            assertThat(m.members()).extracting(Node::name).containsExactlyInAnyOrder("test", "test3");
            assertThat(m.numMembers()).isEqualTo(2);
            assertThat(m.nodes()).hasSize(3);
        }
    }

    // ---- metadata over the limit ------------------------------------------------------------

    /**
     * Go panics in setAlive when NodeMeta returns more than MetaMaxSize (512) bytes; ours
     * refuses to start with an IllegalArgumentException that says why.
     */
    @Test
    @DisplayName("NodeMeta too large: create")
    void nodeMetaTooLargeOnCreate() {
        Config c = localConfig().setDelegate(new dev.memberlist.engine.delegate.NodeDelegate() {
            @Override
            public byte[] nodeMeta(int limit) {
                return new byte[limit + 1];
            }
        });
        assertThatThrownBy(() -> Memberlist.create(c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("513 bytes")
                .hasMessageContaining("512");
    }

    /** Go's UpdateNode panics the same way; ours throws and leaves the node as it was. */
    @Test
    @DisplayName("NodeMeta too large: UpdateNode")
    void nodeMetaTooLargeOnUpdate() throws IOException {
        byte[][] meta = {"web".getBytes()};
        Config c = localConfig().setDelegate(new dev.memberlist.engine.delegate.NodeDelegate() {
            @Override
            public byte[] nodeMeta(int limit) {
                return meta[0];
            }
        });
        try (Memberlist m = Memberlist.create(c)) {
            long inc = m.localNode().incarnation();
            meta[0] = new byte[Config.META_MAX_SIZE + 1];
            assertThatThrownBy(() -> m.updateNode(Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("metadata");
            assertThat(m.localNode().metaString()).isEqualTo("web");
            assertThat(m.localNode().incarnation()).isEqualTo(inc);
            assertThat(m.isRunning()).isTrue();
        }
    }

    // ---- dead node reclaim --------------------------------------------------------------------

    /**
     * A crashed node's name taken by a new address (DeadNodeReclaimTime, Go's state.go
     * aliveNode): refused as a conflict while the dead record is younger than the reclaim time,
     * accepted as the same node at its new address once it is older. On the virtual clock.
     */
    @Test
    @DisplayName("DeadNodeReclaim")
    void deadNodeReclaim() {
        try (GoHarness h = new GoHarness(3)) {
            List<Node[]> conflicts = new ArrayList<>();
            EventLog events = new EventLog(true);
            Duration reclaim = Duration.ofSeconds(10);
            java.util.function.UnaryOperator<Config> fast = c -> c.setPushPullInterval(Duration.ofSeconds(2));
            Memberlist a = h.node("a", c -> fast.apply(c)
                    .setDeadNodeReclaimTime(reclaim)
                    .setEvents(events)
                    .setConflict((existing, other) -> conflicts.add(new Node[] {existing, other})));
            Memberlist x = h.node("x", fast);
            String seed = "a/127.0.0.1:" + a.advertiseAddress().getPort();
            var joined = x.joinAsync(List.of(seed));
            h.runUntil(joined::isDone, Duration.ofSeconds(5));
            h.runUntil(() -> a.numMembers() == 2, Duration.ofSeconds(5));
            int oldPort = x.advertiseAddress().getPort();

            // x crashes; a finds it dead
            x.shutdown();
            h.runUntil(() -> a.node("x").state() == NodeState.DEAD, Duration.ofSeconds(30));
            long deadAt = h.now();

            // x comes back at a new address at once: a conflict, the dead record stays
            Memberlist x2 = h.node("x", fast);
            int newPort = x2.advertiseAddress().getPort();
            assertThat(newPort).isNotEqualTo(oldPort);
            var rejoined = x2.joinAsync(List.of(seed));
            h.runUntil(rejoined::isDone, Duration.ofSeconds(5));
            h.run(Duration.ofSeconds(1));
            assertThat(conflicts).as("conflict reported").isNotEmpty();
            assertThat(conflicts.get(0)[0].port()).isEqualTo(oldPort);
            assertThat(conflicts.get(0)[1].port()).isEqualTo(newPort);
            assertThat(a.node("x").state()).isEqualTo(NodeState.DEAD);
            assertThat(a.node("x").port()).isEqualTo(oldPort);

            // once the record is older than the reclaim time, the next alive takes the name over
            h.runUntil(() -> a.node("x").state() == NodeState.ALIVE, Duration.ofSeconds(60));
            assertThat(h.now() - deadAt).isGreaterThan(reclaim.toNanos());
            assertThat(a.node("x").port()).isEqualTo(newPort);
            assertThat(events.pending())
                    .filteredOn(e -> e.node().name().equals("x"))
                    .extracting(EventLog.Event::kind)
                    .containsExactly(EventLog.Kind.JOIN, EventLog.Kind.LEAVE, EventLog.Kind.JOIN);
            h.runUntil(() -> x2.numMembers() == 2 && a.numMembers() == 2, Duration.ofSeconds(30));
        }
    }

    /** Go HEAD's TestCreate_checkBroadcastQueueMetrics: the queue depth is sampled every QueueCheckInterval. */
    @Test
    @DisplayName("TestCreate_checkBroadcastQueueMetrics")
    void createCheckBroadcastQueueMetrics() {
        List<String> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        dev.memberlist.engine.metrics.Metrics sink = new dev.memberlist.engine.metrics.Metrics() {

            @Override
            public void addSample(String name, double value, String... tags) {
                samples.add(name);
            }
        };
        try (GoHarness h = new GoHarness()) {
            h.node("m", c -> c.setQueueCheckInterval(Duration.ofSeconds(1)).setMetrics(sink));
            h.run(Duration.ofSeconds(3));
            assertThat(samples).contains("memberlist.queue.broadcasts");
            assertThat(samples.stream()
                            .filter("memberlist.queue.broadcasts"::equals)
                            .count())
                    .isBetween(2L, 3L);
        }
    }
}
