package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.metrics.Metrics;
import dev.memberlist.engine.security.Keyring;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 4: a running plain cluster of three is switched to encrypted in Go's three
 * rolling steps, on the running nodes, then rotated from key A to key B through the
 * {@link Keyring}, and no member ever suspects another. Afterwards a node with only key A
 * cannot join. Real UDP and TCP on loopback.
 */
class EncryptionRolloutTest {
    private static final byte[] KEY_A = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_B = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

    private final List<Memberlist> nodes = new ArrayList<>();
    private final List<Memberlist> cluster = new ArrayList<>();
    /** Every suspicion or death any node raised or heard of, from its metrics. */
    private final List<String> accusations = new CopyOnWriteArrayList<>();
    /** Every moment a node's view of another member was not alive, from polling. */
    private final List<String> notAlive = new CopyOnWriteArrayList<>();

    private final AtomicBoolean watching = new AtomicBoolean(true);
    private Thread watcher;

    @AfterEach
    void stop() throws InterruptedException {
        watching.set(false);
        if (watcher != null) {
            watcher.join();
        }
        nodes.forEach(Memberlist::shutdown);
    }

    /** Go's LAN timings, so that only a real partition, not a slow machine, raises a suspicion. */
    private Config config(String name) {
        return Config.lan()
                .setName(name)
                .setBindAddr("127.0.0.1")
                .setAdvertiseAddr("127.0.0.1")
                .setBindPort(0)
                .setPushPullInterval(Duration.ofSeconds(2))
                .setMetrics(new Metrics() {
                    @Override
                    public void incrCounter(String metric, double amount, String... tags) {
                        if (metric.equals("memberlist.msg.suspect") || metric.equals("memberlist.msg.dead")) {
                            accusations.add(name + ": " + metric);
                        }
                    }
                });
    }

    private Memberlist start(Config c) throws IOException {
        Memberlist m = Memberlist.create(c);
        nodes.add(m);
        return m;
    }

    private static String addr(Memberlist m) {
        InetSocketAddress a = m.advertiseAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** Whether every node of the cluster holds every other as alive. */
    private boolean allAlive() {
        for (Memberlist viewer : cluster) {
            for (Memberlist other : cluster) {
                Node n = viewer.node(other.name());
                if (n == null || n.state() != NodeState.ALIVE) {
                    return false;
                }
            }
        }
        return true;
    }

    private void watch() {
        watcher = new Thread(() -> {
            while (watching.get()) {
                for (Memberlist viewer : cluster) {
                    for (Memberlist other : cluster) {
                        Node n = viewer.node(other.name());
                        if (n == null || n.state() != NodeState.ALIVE) {
                            notAlive.add(viewer.name() + " sees " + (n == null ? other.name() + " missing" : n));
                        }
                    }
                }
                LockSupport.parkNanos(1_000_000); // a poll every millisecond, not a spinning core
            }
        });
        watcher.start();
    }

    /**
     * One rolling step: node by node, then several probe rounds with the step in force on all,
     * in which every probe and gossip between two nodes crosses the change. Any partition shows
     * as a suspicion within one probe round.
     */
    private void rolling(String step, Consumer<Memberlist> change) {
        for (Memberlist m : cluster) {
            change.accept(m);
            await(step + " on " + m.name())
                    .during(Duration.ofMillis(1000))
                    .atMost(Duration.ofSeconds(10))
                    .until(this::allAlive);
        }
        await(step + " everywhere")
                .during(Duration.ofMillis(2500))
                .atMost(Duration.ofSeconds(10))
                .until(this::allAlive);
        assertThat(accusations).as("suspicions after " + step).isEmpty();
        assertThat(notAlive).as("members not alive after " + step).isEmpty();
    }

    @Test
    void plainClusterTurnsEncryptedAndRotatesKeysWithNoMemberSuspected() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            cluster.add(start(config(name)));
        }
        Memberlist a = cluster.get(0);
        for (Memberlist m : cluster.subList(1, 3)) {
            assertThat(m.join(List.of(addr(a)))).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(30)).until(this::allAlive);
        assertThat(cluster).allMatch(m -> m.keyring().isEmpty());
        watch();

        // Go's rollout: 1. the key, neither sending nor demanding encryption
        rolling("install key A", m -> {
            m.setGossipVerifyIncoming(false);
            m.setGossipVerifyOutgoing(false);
            m.keyring().addKey(KEY_A);
        });
        // 2. everyone sends encrypted; plain input is still taken from the nodes not there yet
        rolling("verify outgoing", m -> m.setGossipVerifyOutgoing(true));
        // 3. everyone refuses plain input
        rolling("verify incoming", m -> m.setGossipVerifyIncoming(true));

        // a plain node cannot join an encrypted cluster: the step did take effect
        Memberlist plain = start(config("plain"));
        assertThatThrownBy(() -> plain.join(List.of(addr(a)))).isInstanceOf(MemberlistException.class);

        // rotation through the Keyring: install B, use B, remove A, each everywhere first
        rolling("install key B", m -> m.keyring().addKey(KEY_B));
        rolling("use key B", m -> m.keyring().useKey(KEY_B));
        rolling("remove key A", m -> m.keyring().removeKey(KEY_A));
        assertThat(cluster)
                .allSatisfy(
                        m -> assertThat(m.keyring().getKeys()).singleElement().isEqualTo(KEY_B));

        // a node that holds only key A can no longer join; one with key B can
        Memberlist stale = start(config("stale").setKeyring(Keyring.of(KEY_A.clone())));
        assertThatThrownBy(() -> stale.join(List.of(addr(a)))).isInstanceOf(MemberlistException.class);
        Memberlist fresh = start(config("fresh").setKeyring(Keyring.of(KEY_B.clone())));
        assertThat(fresh.join(List.of(addr(a)))).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.stream()
                .allMatch(m -> m.node("fresh") != null && m.node("fresh").state() == NodeState.ALIVE));
        for (String outsider : List.of("stale", "plain")) {
            assertThat(cluster).allMatch(m -> m.node(outsider) == null);
        }

        watching.set(false);
        watcher.join();
        assertThat(accusations).as("suspicions").isEmpty();
        assertThat(notAlive).as("members not alive").isEmpty();
    }
}
