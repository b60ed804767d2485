package dev.memberlist.engine.interop;

import static dev.memberlist.engine.interop.GoPeer.event;
import static dev.memberlist.engine.interop.GoPeer.msgStartingWith;
import static dev.memberlist.engine.interop.GoPeer.rebroadcastUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.MemberlistException;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.engine.security.Keyring;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Java nodes and HashiCorp's Go memberlist (the reference peer, Debian's 0.2.2) in one
 * cluster over real UDP and TCP on loopback: joins both ways, metadata, broadcasts,
 * reliable and best-effort messages, crash detection both ways, graceful leave; plain,
 * encrypted, and without compression.
 */
class GoInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String KEY =
            Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private static final String OTHER_KEY =
            Base64.getEncoder().encodeToString("fedcba9876543210".getBytes(StandardCharsets.UTF_8));

    private final List<AutoCloseable> open = new ArrayList<>();

    /** One way to run the whole scenario. */
    enum Variant {
        PLAIN(List.of()),
        ENCRYPTED(List.of("-keys", KEY)),
        NO_COMPRESSION(List.of("-compress=false"));

        final List<String> goFlags;

        Variant(List<String> goFlags) {
            this.goFlags = goFlags;
        }

        Config javaConfig() {
            Config c = timings(Config.local());
            if (this == ENCRYPTED) {
                c.setKeyring(Keyring.of(Base64.getDecoder().decode(KEY)));
            }
            if (this == NO_COMPRESSION) {
                c.setEnableCompression(false);
            }
            return c;
        }
    }

    /**
     * Faster probes than the local profile, the same on both sides, and the LAN retransmit
     * multiplier: with local's 2, a rumour in five nodes is passed to only two others and can
     * miss a node by chance.
     */
    private static Config timings(Config c) {
        return c.setProbeInterval(Duration.ofMillis(500))
                .setProbeTimeout(Duration.ofMillis(200))
                .setRetransmitMult(4);
    }

    private static final List<String> GO_TIMINGS =
            List.of("-profile", "local", "-probe-interval", "500", "-probe-timeout", "200", "-retransmit-mult", "4");

    private GoPeer go(List<String> flags) {
        GoPeer p = GoPeer.start(flags.toArray(String[]::new));
        open.add(p);
        return p;
    }

    private static List<String> flags(Variant v, String... more) {
        List<String> f = new ArrayList<>(GO_TIMINGS);
        f.addAll(v.goFlags);
        f.addAll(List.of(more));
        return f;
    }

    private TestNode java(String name, Config c) {
        TestNode n = TestNode.start(name, c);
        open.add(n);
        return n;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void javaAndGoFormOneClusterAndAgreeOnEverything(Variant v) {
        // a Java cluster of two
        TestNode j0 = java("j0", v.javaConfig());
        TestNode j1 = java("j1", v.javaConfig());
        assertThat(j1.m.join(List.of(j0.hostPort()))).isEqualTo(1);

        // a Go cluster of two, which a Java node joins
        int goPort = Ports.freeRange(2);
        GoPeer goA = go(flags(v, "-nodes", "2", "-name", "go", "-port", String.valueOf(goPort)));
        goA.await(event("joined", "self", "go-1"), WAIT);
        assertThat(j0.m.join(List.of("127.0.0.1:" + goPort))).isEqualTo(1);

        // a Go node that joins the Java cluster
        int gobPort = Ports.freeRange(1);
        GoPeer goB = go(flags(v, "-name", "gob", "-port", String.valueOf(gobPort), "-join", j1.hostPort()));
        Map<String, Object> joined = goB.await(event("joined", "self", "gob"), WAIT);
        assertThat(joined.get("contacted")).isEqualTo(1);
        assertThat(joined).doesNotContainKey("error");

        List<String> all = List.of("j0", "j1", "go-0", "go-1", "gob");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(names(j0)).containsExactlyInAnyOrderElementsOf(all);
            assertThat(names(j1)).containsExactlyInAnyOrderElementsOf(all);
            assertThat(goNames(goA, 0, "go-0")).containsExactlyInAnyOrderElementsOf(all);
            assertThat(goNames(goA, 1, "go-1")).containsExactlyInAnyOrderElementsOf(all);
            assertThat(goNames(goB, 0, "gob")).containsExactlyInAnyOrderElementsOf(all);
        });

        // metadata, both ways
        j0.setMeta("zone=java");
        goA.await(event("update", "self", "go-1", "node", "j0", "meta", "zone=java"), WAIT);
        goB.await(event("update", "self", "gob", "node", "j0", "meta", "zone=java"), WAIT);
        goA.send("meta 0 zone=go");
        await().atMost(WAIT).until(() -> "zone=go".equals(meta(j1, "go-0")) && "zone=go".equals(meta(j0, "go-0")));
        assertThat(j1.events())
                .anyMatch(e -> e.kind().equals("update") && e.node().name().equals("go-0"));

        // user broadcasts, both ways
        rebroadcastUntil(
                i -> goA.send("broadcast 0 from-go-" + i),
                () -> List.copyOf(j0.messages()).stream().anyMatch(x -> x.startsWith("from-go"))
                        && List.copyOf(j1.messages()).stream().anyMatch(x -> x.startsWith("from-go")),
                WAIT);
        rebroadcastUntil(
                i -> j1.broadcast("from-java-" + i),
                () -> goA.saw(msgStartingWith("go-0", "from-java"))
                        && goA.saw(msgStartingWith("go-1", "from-java"))
                        && goB.saw(msgStartingWith("gob", "from-java")),
                WAIT);

        // reliable and best-effort user messages, both ways
        goA.send("send 0 j1 reliable-from-go");
        goA.send("sendbe 1 j1 best-effort-from-go");
        await().atMost(WAIT).until(() -> j1.messages().containsAll(List.of("reliable-from-go", "best-effort-from-go")));
        Node go1 = j0.member("go-1");
        j0.m.sendReliable(go1, "Ureliable-from-java".getBytes(StandardCharsets.UTF_8));
        j0.m.sendBestEffort(go1, "Ubest-effort-from-java".getBytes(StandardCharsets.UTF_8));
        goA.await(event("msg", "self", "go-1", "data", "reliable-from-java"), WAIT);
        goA.await(event("msg", "self", "go-1", "data", "best-effort-from-java"), WAIT);

        // graceful leaves, while everyone is alive to hear them: a Go leave is seen as left
        goB.send("leave 0");
        goB.await(event("left", "self", "gob"), WAIT);
        await().atMost(WAIT).until(() -> state(j0, "gob") == NodeState.LEFT && state(j1, "gob") == NodeState.LEFT);
        assertThat(j0.events())
                .anyMatch(e -> e.kind().equals("leave")
                        && e.node().name().equals("gob")
                        && e.node().state() == NodeState.LEFT);

        // and a Java leave reaches Go
        j1.m.leave(Duration.ofSeconds(5));
        j1.close();
        goA.await(event("leave", "self", "go-0", "node", "j1"), WAIT);
        goA.await(event("leave", "self", "go-1", "node", "j1"), WAIT);
        await().atMost(WAIT).until(() -> state(j0, "j1") == NodeState.LEFT);

        // a crashed Go node is detected by the Java node
        goA.send("kill 1");
        await().atMost(WAIT).until(() -> state(j0, "go-1") == NodeState.DEAD);

        // a crashed Java node is detected by the Go node
        j0.close();
        goA.await(event("leave", "self", "go-0", "node", "j0"), WAIT);
        await().atMost(WAIT).until(() -> !goNames(goA, 0, "go-0").contains("j0"));
    }

    @Test
    void keyringsThatShareNoKeyDoNotMerge() {
        Config c = timings(Config.local())
                .setKeyring(Keyring.of(Base64.getDecoder().decode(KEY)));
        TestNode j = java("j-key", c);
        int goPort = Ports.freeRange(1);
        GoPeer g = go(flags(
                Variant.PLAIN,
                "-name",
                "go-key",
                "-port",
                String.valueOf(goPort),
                "-keys",
                OTHER_KEY,
                "-join",
                j.hostPort()));
        Map<String, Object> joined = g.await(event("joined", "self", "go-key"), WAIT);
        assertThat(joined.get("contacted")).isEqualTo(0);
        assertThat(String.valueOf(joined.get("error"))).isNotEmpty();
        assertThatThrownBy(() -> j.m.join(List.of("127.0.0.1:" + goPort))).isInstanceOf(MemberlistException.class);

        // whatever gossip either side still sends is dropped by the other
        long dropped = j.m.droppedPackets() + j.m.droppedStreams();
        assertThat(dropped).isPositive();
        assertThat(names(j)).containsExactly("j-key");
        assertThat(goNames(g, 0, "go-key")).containsExactly("go-key");
    }

    private static List<String> names(TestNode n) {
        return n.m.members().stream()
                .filter(x -> x.state() == NodeState.ALIVE)
                .map(Node::name)
                .toList();
    }

    private static List<String> goNames(GoPeer p, int i, String self) {
        return p.members(i, self).stream()
                .map(x -> String.valueOf(x.get("node")))
                .toList();
    }

    private static String meta(TestNode n, String name) {
        Node x = n.member(name);
        return x == null ? null : x.metaString();
    }

    private static NodeState state(TestNode n, String name) {
        Node x = n.member(name);
        return x == null ? null : x.state();
    }
}
