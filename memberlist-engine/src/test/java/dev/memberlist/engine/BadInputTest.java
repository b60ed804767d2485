package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.interop.TestNode;
import dev.memberlist.engine.metrics.MicrometerMetrics;
import dev.memberlist.engine.security.Keyring;
import dev.memberlist.engine.security.Security;
import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.Compression;
import dev.memberlist.engine.wire.Crc;
import dev.memberlist.engine.wire.Label;
import dev.memberlist.engine.wire.Lzw;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.PushNodeState;
import dev.memberlist.engine.wire.PushPull;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Truncated, garbage, oversized, wrong-key and wrong-label packets and streams, sent over real
 * sockets to a labeled, encrypted node: each is dropped and counted by reason, and the
 * cluster keeps working.
 */
class BadInputTest {
    private static final byte[] KEY = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WRONG_KEY = "fedcba9876543210".getBytes(StandardCharsets.UTF_8);
    private static final String LABEL = "prod";

    private final List<TestNode> nodes = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private TestNode node(String name, boolean metered) {
        Config c = Config.local()
                .setLabel(LABEL)
                .setKeyring(Keyring.of(KEY))
                .setProbeInterval(Duration.ofMillis(500))
                .setTcpTimeout(Duration.ofSeconds(1));
        if (metered) {
            c.setMetrics(new MicrometerMetrics(registry));
        }
        TestNode n = TestNode.start(name, c);
        nodes.add(n);
        return n;
    }

    @AfterEach
    void close() {
        nodes.forEach(TestNode::close);
    }

    private double dropped(String channel, String reason) {
        var c = registry.find("memberlist." + channel + ".dropped")
                .tag("reason", reason)
                .counter();
        return c == null ? 0 : c.count();
    }

    /** Labeled and encrypted with the cluster's key: what a member would send. */
    private static byte[] sealed(byte[] plain) {
        return Label.addLabelHeaderToPacket(
                Security.encryptPayload(1, KEY, plain, LABEL.getBytes(StandardCharsets.UTF_8)), LABEL);
    }

    @Test
    void badPacketsAreDroppedAndCountedAndTheClusterKeepsWorking() throws Exception {
        TestNode target = node("target", true);
        TestNode other = node("other", false);
        assertThat(other.m.join(List.of(target.hostPort()))).isEqualTo(1);

        Random random = new Random(1);
        byte[] alive = MessageCodec.encode(
                new Alive(9, "ghost", new byte[] {127, 0, 0, 1}, 1, null, new byte[] {1, 5, 2, 0, 0, 0}));
        byte[] garbage = new byte[300];
        random.nextBytes(garbage);
        byte[] badCrc = Crc.addCrc(alive);
        badCrc[2] ^= 1;
        byte[] lzwGarbage = new byte[64];
        random.nextBytes(lzwGarbage);
        byte[] badCompress = Arrays.copyOf(Compression.compressPayload(alive), 20);
        // a zip bomb: 48 MiB of zeros compress to a datagram, past the 40 MiB limit
        byte[] bomb = MessageCodec.encode(new dev.memberlist.engine.wire.Compress(0, Lzw.compress(new byte[48 << 20])));
        assertThat(bomb.length).isLessThan(60_000);
        byte[] huge = new byte[60_000];
        random.nextBytes(huge);

        List<byte[]> packets = List.of(
                garbage, // no label at all
                Label.addLabelHeaderToPacket(alive, "dev"), // another cluster's label
                new byte[] {(byte) 244, 0, 1, 2}, // a label header of length zero
                new byte[] {(byte) 244, 40, 'p'}, // a truncated label header
                Label.addLabelHeaderToPacket(garbage, LABEL), // not encrypted
                Label.addLabelHeaderToPacket(Security.encryptPayload(1, WRONG_KEY, alive, LABEL.getBytes()), LABEL),
                sealed(Arrays.copyOf(alive, alive.length / 2)), // truncated message
                sealed(badCrc), // checksum mismatch
                sealed(badCompress), // truncated compression
                sealed(bomb), // decompresses past the packet's budget
                sealed(new byte[] {(byte) 200, 1, 2}), // unknown message type
                sealed(new byte[] {7, (byte) 255, 0, 1}), // compound with a truncated length table
                Label.addLabelHeaderToPacket(huge, LABEL)); // oversized and undecryptable
        long before = target.m.droppedPackets();
        try (DatagramSocket s = new DatagramSocket()) {
            InetSocketAddress to = target.m.advertiseAddress();
            for (byte[] p : packets) {
                s.send(new DatagramPacket(p, p.length, to));
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> target.m.droppedPackets() - before >= packets.size());
        assertThat(dropped("udp", "label")).isGreaterThanOrEqualTo(4);
        assertThat(dropped("udp", "decrypt")).isGreaterThanOrEqualTo(3);
        assertThat(dropped("udp", "decode")).isGreaterThanOrEqualTo(3);
        // the zip bomb passes its packet's budget long before Go's 40 MiB limit
        assertThat(dropped("udp", "budget")).isEqualTo(1);
        assertThat(dropped("udp", "crc")).isEqualTo(1);
        assertThat(target.m.node("ghost")).isNull();

        stillWorks(target, other);
    }

    @Test
    void badStreamsAreDroppedAndCountedAndTheClusterKeepsWorking() throws Exception {
        TestNode target = node("target", true);
        TestNode other = node("other", false);
        assertThat(other.m.join(List.of(target.hostPort()))).isEqualTo(1);
        InetSocketAddress to = target.m.advertiseAddress();
        byte[] header = Label.header(LABEL);

        long before = target.m.droppedStreams();
        byte[] garbage = new byte[500];
        new Random(2).nextBytes(garbage);
        // garbage without a label
        stream(to, garbage, true);
        // another cluster's label
        stream(to, concat(Label.header("dev"), garbage), true);
        // our label, then an unencrypted message
        stream(to, concat(header, MessageCodec.encodePushPull(new PushPull(false, List.of(), null))), true);
        // our label, an encrypted frame declaring more than 20 MiB
        stream(to, concat(header, new byte[] {10, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}), true);
        // our label, a frame sealed with a key we do not have
        stream(
                to,
                concat(
                        header,
                        encryptedFrame(WRONG_KEY, MessageCodec.encodePushPull(new PushPull(false, List.of(), null)))),
                true);
        // our label, a push-pull claiming more nodes than the limit
        byte[] tooMany = MessageCodec.encodePushPull(new PushPull(false, List.of(), null));
        stream(to, concat(header, encryptedFrame(KEY, patchNodes(tooMany))), true);
        // our label, half of a valid frame, then the end
        byte[] valid = encryptedFrame(
                KEY,
                MessageCodec.encodePushPull(new PushPull(
                        false,
                        List.of(new PushNodeState(
                                "x", new byte[] {127, 0, 0, 1}, 1, null, 1, 0, new byte[] {1, 5, 2, 0, 0, 0})),
                        null)));
        stream(to, concat(header, Arrays.copyOf(valid, valid.length / 2)), true);
        // a connection that sends nothing and stays open: cut at the stream deadline
        try (Socket idle = new Socket()) {
            idle.connect(to, 2000);
            idle.getOutputStream().write(header);
            await().atMost(Duration.ofSeconds(10)).until(() -> dropped("tcp", "timeout") >= 1);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> target.m.droppedStreams() - before >= 8);
        assertThat(dropped("tcp", "label")).isGreaterThanOrEqualTo(2);
        assertThat(dropped("tcp", "decode")).isGreaterThanOrEqualTo(5);
        assertThat(target.m.node("x")).isNull();

        stillWorks(target, other);
    }

    /** The attacked node still gossips, answers probes, takes messages and lets new nodes join. */
    private void stillWorks(TestNode target, TestNode other) {
        other.m.sendReliable(target.m.localNode(), "Ustill-there".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> target.messages().contains("still-there"));
        TestNode late = node("late", false);
        assertThat(late.m.join(List.of(target.hostPort()))).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> target.m.numMembers() == 3 && other.m.numMembers() == 3 && late.m.numMembers() == 3);
        assertThat(target.m.node("other").state()).isEqualTo(NodeState.ALIVE);
    }

    private static byte[] encryptedFrame(byte[] key, byte[] msg) {
        int len = Security.encryptedLength(1, msg.length);
        byte[] h = {10, (byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len};
        return concat(h, Security.encryptPayload(1, key, msg, concat(h, LABEL.getBytes(StandardCharsets.UTF_8))));
    }

    /** Sets the header's Nodes to 2^20 + 1 (the map holds it as a u32 once re-encoded). */
    private static byte[] patchNodes(byte[] pushPull) {
        byte[] header = MessageCodec.encodeBody(new dev.memberlist.engine.wire.PushPullHeader((1 << 20) + 1, 0, false));
        return concat(new byte[] {6}, header);
    }

    private static void stream(InetSocketAddress to, byte[] bytes, boolean thenClose) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(to, 2000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            if (thenClose) {
                s.shutdownOutput();
            }
            s.setSoTimeout(3000);
            try {
                s.getInputStream().readAllBytes();
            } catch (IOException e) {
                // reset by the node: fine
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @SuppressWarnings("unused")
    private static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }
}
