package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.engine.delegate.PingDelegate;
import dev.memberlist.engine.wire.Ping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A UDP ping and a TCP ping are answered by the same code on the I/O thread that decoded them,
 * with the same outcome, whatever the node's protocol strand or its delegates are doing: idle,
 * the strand stuck in a long task, the delegate queue stuck in a slow {@code notifyMsg}, the
 * stream side stuck in a slow {@code localState}; and both refuse a ping meant for another node,
 * and both fail once the node is shut down.
 */
@Timeout(60)
class PingPathTest {
    private final List<Memberlist> nodes = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicReference<String> ackThread = new AtomicReference<>();

    @AfterEach
    void stop() {
        release.countDown();
        nodes.forEach(Memberlist::shutdown);
    }

    private Memberlist node(String name, NodeDelegate delegate, PingDelegate ping) {
        Config c = Loopback.quiet(name).setDelegate(delegate).setPing(ping);
        try {
            Memberlist m = Memberlist.create(c);
            nodes.add(m);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Once armed, blocks on every user message and every localState until the test ends. */
    private final class Stuck implements NodeDelegate {
        volatile boolean armed;

        @Override
        public byte[] nodeMeta(int limit) {
            return new byte[0];
        }

        @Override
        public void notifyMsg(byte[] msg) {
            if (armed) {
                awaitRelease();
            }
        }

        @Override
        public List<byte[]> getBroadcasts(int overhead, int limit) {
            return List.of();
        }

        @Override
        public byte[] localState(boolean join) {
            if (armed) {
                awaitRelease();
            }
            return null;
        }

        @Override
        public void mergeRemoteState(byte[] buf, boolean join) {}
    }

    private void awaitRelease() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final PingDelegate recordingPing = new PingDelegate() {
        @Override
        public byte[] ackPayload() {
            ackThread.set(Thread.currentThread().getName());
            return new byte[] {42};
        }

        @Override
        public void notifyPingComplete(Node other, Duration rtt, byte[] payload) {}
    };

    /** Both kinds of ping from {@code from} to {@code target} under that name: did each get its ack? */
    private record Outcome(boolean udp, boolean tcp) {}

    private static Outcome pingBoth(Memberlist from, String name, InetSocketAddress target) {
        boolean udp;
        try {
            from.ping(name, target);
            udp = true;
        } catch (NoPingResponseException e) {
            udp = false;
        }
        NodeContext c = from.ctx;
        Ping ping = c.newPing(c.nextSeqNo(), name);
        long deadline = c.strand.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        boolean tcp = c.streams
                .sendPingAndWaitForAck(new Address(target, name), ping, deadline)
                .join();
        return new Outcome(udp, tcp);
    }

    @Test
    void udpAndTcpPingsAreAnsweredAtOnceWhateverTheStrandAndTheDelegatesDo() throws Exception {
        Stuck stuck = new Stuck();
        Memberlist target = node("target", stuck, recordingPing);
        Memberlist prober = node("prober", null, null);
        prober.join(List.of("127.0.0.1:" + target.advertiseAddress().getPort()));
        InetSocketAddress addr = target.advertiseAddress();

        // idle
        assertThat(pingBoth(prober, "target", addr)).isEqualTo(new Outcome(true, true));
        assertThat(ackThread.get()).as("the ack is made on the I/O thread").startsWith("memberlist-net");

        // the protocol strand stuck in a long task: Go's node lock held, say
        CountDownLatch strandStuck = new CountDownLatch(1);
        target.ctx.strand.execute(() -> {
            strandStuck.countDown();
            awaitRelease();
        });
        assertThat(strandStuck.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(pingBoth(prober, "target", addr)).isEqualTo(new Outcome(true, true));

        // the delegate queue stuck in notifyMsg, the stream side in localState
        stuck.armed = true;
        prober.sendBestEffort(target.localNode(), new byte[] {1});
        prober.ctx.pushPull.pushPullNode(new Address(addr, "target"), false);
        await().atMost(Duration.ofSeconds(5)).until(() -> target.ctx.delegates.pendingMessages() == 0);
        assertThat(pingBoth(prober, "target", addr)).isEqualTo(new Outcome(true, true));

        // a ping meant for another node is refused both ways, however stuck
        assertThat(pingBoth(prober, "someone-else", addr)).isEqualTo(new Outcome(false, false));

        // and once it is shut down, neither is answered
        target.shutdown();
        assertThat(pingBoth(prober, "target", addr)).isEqualTo(new Outcome(false, false));
        assertThatThrownBy(() -> prober.ping("target", addr)).isInstanceOf(NoPingResponseException.class);
    }
}
