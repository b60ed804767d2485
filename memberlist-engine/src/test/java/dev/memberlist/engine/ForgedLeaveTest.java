package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.delegate.EventDelegate;
import dev.memberlist.engine.transport.net.NetTransport;
import dev.memberlist.engine.transport.net.NetTransportConfig;
import dev.memberlist.engine.wire.Dead;
import dev.memberlist.engine.wire.MessageCodec;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 5: a {@code dead} message claiming that a live member left is a leave only
 * when it comes from that member; from anyone else it is a death claim the member refutes.
 * Real UDP and TCP on loopback.
 */
class ForgedLeaveTest {
    private final List<Memberlist> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(Memberlist::shutdown);
    }

    /**
     * Go's local profile, probing twice a second (a suspicion runs out in 1.5 s), with the LAN
     * retransmit multiplier: with local's 2, a three-node leave is sent twice only, and may go
     * twice to the one node that does not hear it.
     */
    private static Config config(String name) {
        return Config.local()
                .setRetransmitMult(4)
                .setName(name)
                .setBindAddr("127.0.0.1")
                .setAdvertiseAddr("127.0.0.1")
                .setBindPort(0)
                .setProbeInterval(Duration.ofMillis(500));
    }

    /** Every leave event any node saw, as "viewer:member:state": catches what polling misses. */
    private final List<String> leaves = new CopyOnWriteArrayList<>();

    private Memberlist start(Config c) throws IOException {
        String viewer = c.getName();
        c.setEvents(new EventDelegate() {
            @Override
            public void notifyLeave(Node node) {
                leaves.add(viewer + ":" + node.name() + ":" + node.state());
            }
        });
        Memberlist m = Memberlist.create(c);
        nodes.add(m);
        return m;
    }

    private static String addr(Memberlist m) {
        InetSocketAddress a = m.advertiseAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private void awaitFormed() {
        await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream()
                .allMatch(m -> m.members().stream()
                                .filter(n -> n.state() == NodeState.ALIVE)
                                .count()
                        == nodes.size()));
    }

    /** Whether every node holds {@code name} as a member, alive or suspect: nobody removed it. */
    private boolean everyoneHolds(String name) {
        for (Memberlist m : nodes) {
            Node n = m.node(name);
            if (n == null || n.state() == NodeState.DEAD || n.state() == NodeState.LEFT) {
                return false;
            }
            if (m.members().stream().noneMatch(x -> x.name().equals(name))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void forgedLeaveFromAnotherAddressRemovesTheMemberNowhere() throws Exception {
        Memberlist a = start(config("a"));
        Memberlist b = start(config("b"));
        Memberlist c = start(config("c"));
        assertThat(b.join(List.of(addr(a)))).isEqualTo(1);
        assertThat(c.join(List.of(addr(a)))).isEqualTo(1);
        awaitFormed();
        long inc = b.localNode().incarnation();

        // every node's view of b, polled from before the forgery to well after it
        List<String> removals = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                if (!everyoneHolds("b")) {
                    removals.add(
                            String.valueOf(nodes.stream().map(m -> m.node("b")).toList()));
                }
                LockSupport.parkNanos(1_000_000); // a poll every millisecond, not a spinning core
            }
        });
        watcher.start();
        try {
            // "b left", as b would say it, but from a socket of our own, to a and to c
            byte[] forged = MessageCodec.encode(new Dead(inc, "b", "b"));
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                for (Memberlist to : List.of(a, c)) {
                    s.send(new DatagramPacket(forged, forged.length, to.advertiseAddress()));
                }
            }

            // b hears the claim relayed and refutes it: the packet did arrive and was acted on
            await().atMost(Duration.ofSeconds(20)).until(() -> b.localNode().incarnation() > inc);
            // and over several suspicion timeouts nobody removes b
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).until(() -> everyoneHolds("b"));
        } finally {
            watching.set(false);
            watcher.join();
        }
        assertThat(removals).as("b removed from some view").isEmpty();
        assertThat(leaves).as("leave events").isEmpty();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> nodes.stream().allMatch(m -> m.node("b").state() == NodeState.ALIVE));
        assertThat(a.droppedPackets())
                .as("a well-formed claim is not a bad packet")
                .isZero();
    }

    @Test
    void gracefulLeaveIsStillLeftEverywhere() throws Exception {
        Memberlist a = start(config("a"));
        Memberlist b = start(config("b"));
        Memberlist c = start(config("c"));
        b.join(List.of(addr(a)));
        c.join(List.of(addr(a)));
        awaitFormed();

        b.leave(Duration.ofSeconds(5));
        b.shutdown();

        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        a.node("b").state() == NodeState.LEFT && c.node("b").state() == NodeState.LEFT);
        assertThat(leaves).filteredOn(e -> !e.startsWith("b:")).containsExactlyInAnyOrder("a:b:LEFT", "c:b:LEFT");
    }

    /**
     * c never hears b itself: it learns of the leave only from a's relay, which it cannot tell
     * from a forgery. b is gone and does not refute, so once the suspicion runs out c takes it
     * as the leave it was, not as a failure.
     */
    @Test
    void relayedLeaveBecomesLeftWhereTheLeaverWasNotHeard() throws Exception {
        Memberlist a = start(config("a"));
        Memberlist b = start(config("b"));
        // a real transport that stops hearing datagrams from one address
        Firewall deaf = new Firewall(new NetTransport(
                NetTransportConfig.builder().bindAddrs("127.0.0.1").bindPort(0).build()));
        Memberlist c = start(config("c").setTransport(deaf).setAdvertisePort(0));
        b.join(List.of(addr(a)));
        c.join(List.of(addr(a)));
        awaitFormed();

        deaf.blockPacketsFrom = b.advertiseAddress();
        b.leave(Duration.ofSeconds(5));
        b.shutdown();

        await().atMost(Duration.ofSeconds(20)).until(() -> a.node("b").state() == NodeState.LEFT);
        await().atMost(Duration.ofSeconds(20)).until(() -> c.node("b").state() == NodeState.LEFT);
        assertThat(deaf.droppedFrom.get()).as("c did not hear b's own leave").isPositive();
        // a leave event each, as left: never a failure first
        assertThat(leaves).filteredOn(e -> !e.startsWith("b:")).containsExactlyInAnyOrder("a:b:LEFT", "c:b:LEFT");
    }
}
