package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.MessageCodec;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Alive messages we already have are dropped where the packet is read ({@code AliveView},
 * {@code Membership.isStaleAlive}); everything Go's {@code aliveNode} does with an old message
 * besides dropping it must still happen: the alive delegate sees it, a conflicting address is
 * reported, and news is applied. Real UDP on loopback.
 */
class StaleAliveTest {
    private static final byte[] VSN = {1, 5, 2, 2, 5, 4};
    private static final byte[] HOME = {127, 0, 0, 9};
    private static final byte[] ELSEWHERE = {127, 0, 0, 10};

    private Memberlist m;

    @AfterEach
    void stop() {
        if (m != null) {
            m.shutdown();
        }
    }

    private void send(Alive a) throws Exception {
        byte[] packet = MessageCodec.encode(a); // with its type byte
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(packet, packet.length, m.advertiseAddress()));
        }
    }

    private void knows(String name, long incarnation) {
        m.ctx.strand.execute(() -> m.ctx.membership.putForTest(
                NodeRecord.of(name, HOME, 7000, new byte[0], VSN, incarnation, NodeState.ALIVE), 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> m.node(name) != null);
    }

    @Test
    void anOldAliveFromAnotherAddressIsStillReportedAsAConflict() throws Exception {
        List<String> conflicts = new CopyOnWriteArrayList<>();
        m = Memberlist.create(Loopback.quiet("me")
                .setConflict((existing, other) ->
                        conflicts.add(existing.name() + "@" + other.addr()[3] + ":" + other.port())));
        knows("peer", 5);

        send(new Alive(5, "peer", HOME, 7000, new byte[0], VSN)); // stale: dropped on read
        // old, but from elsewhere: another host, then another port
        send(new Alive(3, "peer", ELSEWHERE, 7000, new byte[0], VSN));
        send(new Alive(4, "peer", HOME, 7001, new byte[0], VSN));

        await().atMost(Duration.ofSeconds(10)).until(() -> conflicts.size() == 2);
        assertThat(conflicts).containsExactlyInAnyOrder("peer@10:7000", "peer@9:7001");
        assertThat(m.node("peer").incarnation()).isEqualTo(5);
    }

    @Test
    void anAliveDelegateSeesEveryAliveOldOrNew() throws Exception {
        List<Long> seen = new CopyOnWriteArrayList<>();
        m = Memberlist.create(Loopback.quiet("me").setAlive(peer -> {
            if (peer.name().equals("peer")) {
                seen.add(peer.incarnation());
            }
        }));
        knows("peer", 5);

        send(new Alive(4, "peer", HOME, 7000, new byte[0], VSN));
        send(new Alive(5, "peer", HOME, 7000, new byte[0], VSN));

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        assertThat(seen).containsExactlyInAnyOrder(4L, 5L);
    }

    @Test
    void newsIsAppliedAndOldNewsIsNot() throws Exception {
        m = Memberlist.create(Loopback.quiet("me"));
        knows("peer", 5);

        send(new Alive(4, "peer", HOME, 7000, "old".getBytes(), VSN));
        send(new Alive(6, "peer", HOME, 7000, "new".getBytes(), VSN));

        await().atMost(Duration.ofSeconds(10)).until(() -> m.node("peer").incarnation() == 6);
        assertThat(new String(m.node("peer").meta())).isEqualTo("new");
    }

    @Test
    void anAliveAboutUsThatDiffersIsRefutedWhateverItsIncarnation() throws Exception {
        m = Memberlist.create(Loopback.quiet("me"));
        Node me = m.localNode();
        long before = me.incarnation();

        // the same incarnation as ours, other metadata: refuted, never dropped as old
        send(new Alive(before, "me", me.addr(), me.port(), "forged".getBytes(), VSN));

        await().atMost(Duration.ofSeconds(10)).until(() -> m.localNode().incarnation() > before);
        assertThat(m.localNode().meta()).isNotEqualTo("forged".getBytes());
    }
}
