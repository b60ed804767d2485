package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An address outlives its member (a pod IP handed to another service, a port reused on a host):
 * reconnecting to dead members must never merge whoever took the address over, yet a member
 * that comes back at its address is merged again. Real UDP and TCP on loopback.
 */
class ReusedAddressTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<Memberlist> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(Memberlist::shutdown);
    }

    /** Fast rounds: a push-pull, and with it a reconnect attempt, every 300 ms. */
    private Memberlist node(String name, int port, Tally tally, UnaryOperator<Config> more) {
        Config c = Config.local()
                .setName(name)
                .setBindAddr("127.0.0.1")
                .setAdvertiseAddr("127.0.0.1")
                .setBindPort(port)
                .setProbeInterval(Duration.ofMillis(200))
                .setProbeTimeout(Duration.ofMillis(100))
                .setPushPullInterval(Duration.ofMillis(300))
                .setGossipToTheDeadTime(Duration.ofSeconds(2))
                .setMetrics(tally == null ? new Tally() : tally);
        if (port != 0) {
            c.setAdvertisePort(port); // an advertised address takes its port from here, as in Go
        }
        c = more.apply(c);
        // the port a crashed node held may take a moment to be free again
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                Memberlist m = Memberlist.create(c);
                nodes.add(m);
                return m;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException(e);
                }
                Thread.onSpinWait();
            }
        }
    }

    private static List<String> names(Memberlist m) {
        return m.members().stream().map(Node::name).sorted().toList();
    }

    private static String hostPort(Memberlist m) {
        return "127.0.0.1:" + m.advertiseAddress().getPort();
    }

    @Test
    void aClusterThatTakesOverADeadMembersAddressIsNeverMerged() {
        Tally tally = new Tally();
        // reconnecting explicitly on, without a label or keyring: the name check alone holds
        UnaryOperator<Config> reconnect = c -> c.setReconnectDeadNodes(true);
        Memberlist a0 = node("a-0", 0, tally, reconnect);
        Memberlist a1 = node("a-1", 0, null, reconnect);
        assertThat(a1.join(List.of(hostPort(a0)))).isEqualTo(1);
        int reused = a1.advertiseAddress().getPort();

        a1.shutdown(); // a crash: no leave
        await().atMost(WAIT)
                .until(() -> a0.node("a-1") != null && a0.node("a-1").state() == NodeState.DEAD);

        // an unrelated cluster, its first node on a-1's address
        Memberlist b0 = node("b-0", reused, null, reconnect);
        Memberlist b1 = node("b-1", 0, null, reconnect);
        assertThat(b1.join(List.of(hostPort(b0)))).isEqualTo(1);

        // many reconnect rounds of a-0 against the address, through a-1's reaping and after it:
        // each refused at the ping (b-0 answers only pings for b-0), where the exchange used to
        // go ahead and merge
        long before = attempts(tally);
        await().atMost(WAIT).until(() -> attempts(tally) - before >= 20);
        assertThat(names(a0)).doesNotContain("b-0", "b-1");
        assertThat(names(b0)).containsExactly("b-0", "b-1");
        assertThat(names(b1)).containsExactly("b-0", "b-1");
    }

    /** Reconnect attempts of a node: refused at the ping, or exchanged (a-0 has no one else). */
    private static long attempts(Tally tally) {
        return tally.count("memberlist.reconnect.unanswered") + tally.count("memberlist.pushPullNode");
    }

    @Test
    void aMemberBackAtItsAddressIsMergedAgain() {
        UnaryOperator<Config> labelled = c -> c.setLabel("cluster-a"); // reconnecting on by default
        Memberlist a0 = node("a-0", 0, null, labelled);
        Memberlist a1 = node("a-1", 0, null, labelled);
        assertThat(a1.join(List.of(hostPort(a0)))).isEqualTo(1);
        int port = a1.advertiseAddress().getPort();

        a1.shutdown();
        await().atMost(WAIT)
                .until(() -> a0.node("a-1") != null && a0.node("a-1").state() == NodeState.DEAD);

        // the same member comes back at its address and joins nobody: a-0 finds it
        Memberlist back = node("a-1", port, null, labelled);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(a0.node("a-1")).isNotNull();
            assertThat(a0.node("a-1").state()).isEqualTo(NodeState.ALIVE);
            assertThat(names(back)).containsExactly("a-0", "a-1");
        });
    }

    @Test
    void aReconnectIsVettedByTheMergeDelegatesAsAJoinIs() {
        // as on a join, each side's MergeDelegate vets the state it is about to merge, and
        // nothing else of the member reaches us first (the reconnect's ping is a TCP one, whose
        // ack carries no gossip)
        AtomicBoolean refuse = new AtomicBoolean();
        AtomicInteger vetted = new AtomicInteger();
        UnaryOperator<Config> vetting = c -> c.setLabel("cluster-a").setMerge(peers -> {
            vetted.incrementAndGet();
            if (refuse.get()) {
                throw new IllegalStateException("not now");
            }
        });
        Memberlist a0 = node("a-0", 0, null, vetting);
        Memberlist a1 = node("a-1", 0, null, vetting);
        assertThat(a1.join(List.of(hostPort(a0)))).isEqualTo(1);
        int port = a1.advertiseAddress().getPort();
        a1.shutdown();
        // until a-0 forgets a-1: while it still gossips to the dead, a member back at the
        // address hears that it is held dead and refutes, which takes no push-pull to merge
        await().atMost(WAIT)
                .until(() -> a0.node("a-1") != null && a0.node("a-1").state() == NodeState.DEAD);
        await().atMost(WAIT).until(() -> a0.node("a-1") == null);

        refuse.set(true);
        int before = vetted.get();
        Memberlist back = node("a-1", port, null, vetting);
        // reconnects reach the member, and both delegates refuse, round after round
        await().atMost(WAIT).until(() -> vetted.get() - before >= 6);
        assertThat(a0.node("a-1")).isNull();
        assertThat(names(back)).containsExactly("a-1");

        refuse.set(false);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(a0.node("a-1")).isNotNull();
            assertThat(a0.node("a-1").state()).isEqualTo(NodeState.ALIVE);
            assertThat(names(back)).containsExactly("a-0", "a-1");
        });
    }

    @Test
    void withoutALabelOrKeyringReconnectingIsOffByDefault() {
        assertThat(Config.lan().isReconnectDeadNodes()).isFalse();
        assertThat(Config.lan().setLabel("x").isReconnectDeadNodes()).isTrue();
        assertThat(Config.lan()
                        .setKeyring(dev.memberlist.engine.security.Keyring.of(new byte[16]))
                        .isReconnectDeadNodes())
                .isTrue();
        assertThat(Config.lan().setLabel("x").setReconnectDeadNodes(false).isReconnectDeadNodes())
                .isFalse();
    }
}
