package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.metrics.Metrics;
import dev.memberlist.engine.transport.net.NetTransportConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A flood of idle TCP connections to one node: past {@code maxInboundStreams} they are shed
 * at once and counted, and the node goes on answering probes. Real sockets on loopback.
 */
class InboundStreamCapTest {
    private static final int FLOOD = 2000;

    private final List<Memberlist> nodes = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        nodes.forEach(Memberlist::shutdown);
    }

    private Memberlist node(String name, Metrics metrics) throws IOException {
        return node(name, metrics, c -> c);
    }

    private Memberlist node(String name, Metrics metrics, java.util.function.UnaryOperator<Config> more)
            throws IOException {
        Memberlist m = Memberlist.create(more.apply(Loopback.quiet(name)
                // the idle connections it keeps stay open for the whole test, however slow
                .setTcpTimeout(Duration.ofSeconds(120))
                .setMetrics(metrics)));
        nodes.add(m);
        return m;
    }

    @Test
    void twoThousandIdleConnectionsAreShedAndCountedAndProbesStillGetAnswers() throws Exception {
        LongAdder shed = new LongAdder();
        Metrics metrics = Loopback.counting("memberlist.tcp.dropped", "shed", shed);
        Memberlist target = node("target", metrics);
        Memberlist prober = node("prober", new Tally());
        InetSocketAddress addr = target.advertiseAddress();

        for (int i = 0; i < FLOOD; i++) {
            Socket s = new Socket();
            s.connect(addr, 10_000);
            sockets.add(s);
        }
        int cap = NetTransportConfig.DEFAULT_MAX_INBOUND_STREAMS;
        await().atMost(Duration.ofSeconds(30)).until(() -> shed.sum() >= FLOOD - cap);

        // probes are still answered, while the idle connections it kept are still open
        for (int i = 0; i < 5; i++) {
            assertThat(prober.ping("target", addr)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(shed.sum()).isEqualTo(FLOOD - cap);
    }

    @Test
    void aPeerThatStopsReadingOurReplyIsCutOffAtTheDeadline() throws Exception {
        LongAdder replyTimeouts = new LongAdder();
        Metrics metrics = Loopback.counting("memberlist.tcp.dropped", "reply_timeout", replyTimeouts);
        // a reply far bigger than the socket buffers: 16 MiB of state that does not compress
        byte[] state = new byte[16 << 20];
        new java.util.Random(1).nextBytes(state);
        Memberlist target = node("target", metrics, c -> c.setTcpTimeout(Duration.ofSeconds(1))
                .setDelegate(new dev.memberlist.engine.delegate.NodeDelegate() {
                    @Override
                    public byte[] localState(boolean join) {
                        return state;
                    }
                }));
        InetSocketAddress addr = target.advertiseAddress();
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 << 10); // before connecting: no window autotuning
            s.connect(addr, 10_000);
            s.getOutputStream()
                    .write(dev.memberlist.engine.wire.MessageCodec.encodePushPull(
                            new dev.memberlist.engine.wire.PushPull(false, List.of(), null)));
            // ... and never read: the reply's write stalls, and the deadline closes the stream
            await().atMost(Duration.ofSeconds(20)).until(() -> replyTimeouts.sum() == 1);
            // what was sent before the close can still be read, then the end
            s.setSoTimeout(10_000);
            byte[] buf = new byte[1 << 16];
            long read = 0;
            try {
                for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
                    read += n;
                }
            } catch (java.net.SocketException reset) {
                // a reset is an end too
            }
            assertThat(read).isLessThan(state.length);
        }
    }

    @Test
    void aPushPullOverTheLimitIsRefusedBeforeItsBodyIsRead() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger merging = new java.util.concurrent.atomic.AtomicInteger();
        Memberlist target = node("target", new Tally(), c -> c.setTcpTimeout(Duration.ofSeconds(60))
                .setDelegate(new dev.memberlist.engine.delegate.NodeDelegate() {
                    @Override
                    public void mergeRemoteState(byte[] buf, boolean join) {
                        merging.incrementAndGet();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }));
        InetSocketAddress addr = target.advertiseAddress();
        try {
            // 127 push-pulls held open in a slow merge: Go's limit is reached
            byte[] small = dev.memberlist.engine.wire.MessageCodec.encodePushPull(
                    new dev.memberlist.engine.wire.PushPull(false, List.of(), new byte[] {1}));
            for (int i = 0; i < 127; i++) {
                Socket s = new Socket();
                s.connect(addr, 10_000);
                s.getOutputStream().write(small);
                sockets.add(s);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> merging.get() == 127);

            // the 128th carries 16 MiB: refused at its first byte, so the write breaks long
            // before the body is through
            byte[] big = new byte[16 << 20];
            new java.util.Random(1).nextBytes(big);
            byte[] frame = dev.memberlist.engine.wire.MessageCodec.encodePushPull(
                    new dev.memberlist.engine.wire.PushPull(false, List.of(), big));
            long written = 0;
            try (Socket s = new Socket()) {
                s.connect(addr, 10_000);
                s.setSoTimeout(10_000);
                for (int off = 0; off < frame.length; off += 1 << 16) {
                    int n = Math.min(1 << 16, frame.length - off);
                    s.getOutputStream().write(frame, off, n);
                    written += n;
                }
            } catch (java.net.SocketException refused) {
                // reset by the node, as it should be
            }
            assertThat(written).isLessThan(frame.length);
        } finally {
            release.countDown();
        }
    }
}
