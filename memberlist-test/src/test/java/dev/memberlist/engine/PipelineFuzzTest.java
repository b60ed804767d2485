package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.engine.metrics.Metrics;
import dev.memberlist.engine.scheduler.Cancellable;
import dev.memberlist.engine.scheduler.Scheduler;
import dev.memberlist.engine.security.Keyring;
import dev.memberlist.engine.security.Security;
import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.wire.Crc;
import dev.memberlist.engine.wire.DecodeException;
import dev.memberlist.engine.wire.FuzzInputs;
import dev.memberlist.engine.wire.Label;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.MessageType;
import dev.memberlist.test.network.MockNetwork;
import dev.memberlist.test.simulation.Simulation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the two whole input pipelines of a node: a datagram through
 * {@link PacketLayer#ingestPacket} (label, decryption, CRC, compounds and compression, decoding,
 * hand-off to the protocol) and a stream through {@link StreamLayer#handleConn} (label,
 * {@link FrameReader} over chunks in any split, decryption, decompression, decoding, reply).
 *
 * <p>Each input gets a fresh node on a fresh {@link Simulation} and {@link MockNetwork}, plain
 * or labeled and encrypted, so nothing carries over between inputs and a finding replays the
 * same. Properties: nothing is thrown; nothing fails on the protocol thread; nothing is
 * dropped as "internal" (an unexpected exception); input known to be bad is dropped for the
 * right reason; every stream is closed by the node within its timeout, with no push-pull slot
 * left taken; every reply is a valid stream message. How to fuzz for longer: see
 * {@code dev.memberlist.engine.wire.WireFuzzTest}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PipelineFuzzTest {
    private static final byte[] KEY = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OLD_KEY = "fedcba9876543210fedcba98".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WRONG_KEY = "not-the-right-key-at-all-32bytes".getBytes(StandardCharsets.US_ASCII);
    private static final String LABEL = "fuzz-cluster";
    private static final byte[] LABEL_BYTES = LABEL.getBytes(StandardCharsets.UTF_8);
    private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.2", 7946);

    static {
        // every input is a new node, whose first drop of each kind is a WARN: keep errors only
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.memberlist"))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
    }

    @FuzzTest
    void ingestPacket(FuzzedDataProvider d) {
        boolean secure = d.consumeBoolean();
        boolean verifyIncoming = !d.consumeBoolean();
        try (Harness h = new Harness(secure, verifyIncoming, d.consumeBoolean())) {
            String expectedDrop = null;
            byte[] pkt;
            if (d.consumeBoolean()) {
                pkt = FuzzInputs.packet(d, 0);
                switch (d.consumeInt(0, 2)) {
                    case 1 -> pkt = Crc.addCrc(pkt);
                    case 2 -> {
                        pkt = Crc.addCrc(pkt);
                        pkt[1 + d.consumeInt(0, 3)] ^= (byte) d.consumeInt(1, 255);
                        expectedDrop = "crc";
                    }
                    default -> {}
                }
                if (secure) {
                    switch (d.consumeInt(0, 3)) {
                        case 1 -> pkt = Security.encryptPayload(d.consumeInt(0, 1), OLD_KEY, pkt, LABEL_BYTES);
                        case 2 -> {
                            pkt = Security.encryptPayload(1, WRONG_KEY, pkt, LABEL_BYTES);
                            expectedDrop = verifyIncoming ? "decrypt" : null;
                        }
                        case 3 -> expectedDrop = verifyIncoming ? "decrypt" : expectedDrop; // plaintext
                        default -> pkt = Security.encryptPayload(d.consumeInt(0, 1), KEY, pkt, LABEL_BYTES);
                    }
                }
                switch (d.consumeInt(0, 2)) {
                    case 1 -> {
                        pkt = Label.addLabelHeaderToPacket(pkt, "other");
                        expectedDrop = "label";
                    }
                    case 2 -> {
                        // no label header
                        if (secure) {
                            expectedDrop = "label";
                        }
                    }
                    default -> {
                        if (secure) {
                            pkt = Label.addLabelHeaderToPacket(pkt, LABEL);
                        }
                    }
                }
            } else {
                pkt = d.consumeRemainingAsBytes();
            }
            h.m.ctx.packets.ingestPacket(new Packet(pkt, FROM));
            h.sim.runFor(Duration.ofMillis(50));
            h.assertHealthy();
            if (expectedDrop != null) {
                assertThat(h.metrics.dropped("udp", expectedDrop))
                        .as("dropped for " + expectedDrop)
                        .isPositive();
            }
        }
    }

    @FuzzTest
    void stream(FuzzedDataProvider d) {
        boolean secure = d.consumeBoolean();
        boolean verifyIncoming = !d.consumeBoolean();
        try (Harness h = new Harness(secure, verifyIncoming, d.consumeBoolean())) {
            boolean labelRefused = false;
            byte[] in;
            if (d.consumeBoolean()) {
                in = FuzzInputs.streamMessage(d);
                if (secure && d.consumeInt(0, 3) != 3) {
                    byte[] key = d.pickValue(new byte[][] {KEY, OLD_KEY, WRONG_KEY});
                    byte[] aad = d.consumeInt(0, 7) == 7 ? new byte[0] : LABEL_BYTES;
                    in = FuzzInputs.encryptedFrame(d, d.consumeInt(0, 1), key, aad, in);
                }
                switch (d.consumeInt(0, 3)) {
                    case 1 -> {
                        in = Label.addLabelHeaderToPacket(in, "other");
                        labelRefused = true;
                    }
                    case 2 -> labelRefused = secure && in.length > 0 && (in[0] & 0xff) != 244;
                    case 3 -> in = FuzzInputs.concat(new byte[] {(byte) 244, (byte) d.consumeInt(0, 255)}, in);
                    default -> {
                        if (secure) {
                            in = Label.addLabelHeaderToPacket(in, LABEL);
                        }
                    }
                }
            } else {
                in = d.consumeRemainingAsBytes();
            }
            List<byte[]> chunks = FuzzInputs.chunks(d, in);
            boolean peerCloses = d.consumeBoolean();

            FakeConnection conn = new FakeConnection();
            h.m.ctx.streams.handleConn(conn);
            for (byte[] c : chunks) {
                conn.deliver(c);
            }
            if (peerCloses) {
                conn.deliverClose();
            }
            // past the stream deadline (tcpTimeout), so an incomplete stream is given up
            h.sim.runFor(h.m.ctx.config.getTcpTimeout().plusSeconds(1));
            h.assertHealthy();
            assertThat(conn.closed).as("stream left open").isTrue();
            assertThat(h.pushPullRequests()).as("push-pull slots taken").isZero();
            for (byte[] reply : conn.written) {
                assertValidReply(h, reply);
            }
            if (labelRefused && in.length > 0) {
                assertThat(h.metrics.dropped("tcp", "label")).isPositive();
                assertThat(conn.written).as("a wrong label gets no reply").isEmpty();
            }
        }
    }

    /** What the node writes back decodes as an ack, an error or a push-pull. */
    private static void assertValidReply(Harness h, byte[] reply) {
        StreamLayer.StreamMsg msg;
        try {
            msg = h.m.ctx.streams.decodeFrame(reply);
        } catch (DecodeException e) {
            throw new AssertionError("reply does not decode", e);
        }
        assertThat(msg.type()).isIn(MessageType.ACK_RESP, MessageType.ERR, MessageType.PUSH_PULL);
        if (msg.type() == MessageType.PUSH_PULL) {
            try {
                MessageCodec.decodePushPull(msg.buf(), msg.off(), msg.len());
            } catch (DecodeException e) {
                throw new AssertionError("push-pull reply does not decode", e);
            }
        }
    }

    // ---- the node under test --------------------------------------------------------------

    /** One node on its own simulated clock and network. */
    private static final class Harness implements AutoCloseable {
        final Simulation sim = new Simulation(1);
        final CountingMetrics metrics = new CountingMetrics();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final Memberlist m;

        Harness(boolean secure, boolean verifyIncoming, boolean compression) {
            MockNetwork net = new MockNetwork(sim);
            Config c = Config.local()
                    .setName("fuzz")
                    .setTransport(net.newTransport("fuzz"))
                    .setScheduler(new CheckedScheduler(sim.newScheduler("fuzz"), failures))
                    .setRandom(sim.newRandom())
                    .setMetrics(metrics)
                    .setEnableCompression(compression)
                    .setDelegate(new StateDelegate());
            if (secure) {
                c.setLabel(LABEL).setKeyring(Keyring.of(KEY, OLD_KEY)).setGossipVerifyIncoming(verifyIncoming);
            }
            try {
                m = Memberlist.create(c);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void assertHealthy() {
            assertThat(failures).as("failures on the protocol thread").isEmpty();
            assertThat(metrics.dropped("udp", "internal") + metrics.dropped("tcp", "internal"))
                    .as("internal errors")
                    .isZero();
            assertThat(m.isRunning()).isTrue();
        }

        int pushPullRequests() {
            try {
                Field f = StreamLayer.class.getDeclaredField("pushPullRequests");
                f.setAccessible(true);
                return ((AtomicInteger) f.get(m.ctx.streams)).get();
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() {
            m.shutdown();
        }
    }

    /** Takes part in push-pull and user messages, so those paths run to the end. */
    private static final class StateDelegate implements NodeDelegate {
        @Override
        public byte[] nodeMeta(int limit) {
            return "zone=fuzz".getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] localState(boolean join) {
            return "local-state".getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Records what escapes a task on the protocol thread (the simulation would only log it). */
    private record CheckedScheduler(Scheduler s, List<Throwable> failures) implements Scheduler {
        private Runnable checked(Runnable task) {
            return () -> {
                try {
                    task.run();
                } catch (Throwable t) {
                    failures.add(t);
                    throw t;
                }
            };
        }

        @Override
        public long nanoTime() {
            return s.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return s.currentTimeMillis();
        }

        @Override
        public void execute(Runnable task) {
            s.execute(checked(task));
        }

        @Override
        public Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
            return s.schedule(checked(task), delay, unit);
        }

        @Override
        public boolean inSchedulerThread() {
            return s.inSchedulerThread();
        }

        @Override
        public boolean isVirtual() {
            return s.isVirtual();
        }

        @Override
        public void shutdown() {
            s.shutdown();
        }
    }

    /** Counts drops by channel and reason. */
    private static final class CountingMetrics implements Metrics {
        private final Map<String, Double> counters = new ConcurrentHashMap<>();

        long dropped(String channel, String reason) {
            return counters.getOrDefault("memberlist." + channel + ".dropped/" + reason, 0.0)
                    .longValue();
        }

        @Override
        public void incrCounter(String name, double amount, String... tags) {
            String key = name;
            for (int i = 0; i + 1 < tags.length; i += 2) {
                if (tags[i].equals("reason")) {
                    key = name + "/" + tags[i + 1];
                }
            }
            counters.merge(key, amount, Double::sum);
        }
    }

    /** The accepting end of a stream, driven by the test: bytes in, replies recorded. */
    private static final class FakeConnection implements StreamConnection {
        final List<byte[]> written = new ArrayList<>();
        Reader reader;
        boolean closed;

        @Override
        public InetSocketAddress remoteAddress() {
            return FROM;
        }

        @Override
        public void startReading(Reader r) {
            assertThat(reader).as("startReading twice").isNull();
            reader = r;
        }

        void deliver(byte[] chunk) {
            if (!closed) {
                reader.onData(chunk);
            }
        }

        void deliverClose() {
            if (!closed) {
                reader.onClose(null);
            }
        }

        @Override
        public CompletableFuture<Void> write(byte[] data) {
            if (closed) {
                return CompletableFuture.failedFuture(new IOException("closed"));
            }
            written.add(data.clone());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                if (reader != null) {
                    reader.onClose(null);
                }
            }
        }
    }
}
