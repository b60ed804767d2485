package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.wire.AckResp;
import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.Compound;
import dev.memberlist.engine.wire.DecodeException;
import dev.memberlist.engine.wire.IndirectPingReq;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.MessageType;
import dev.memberlist.engine.wire.Ping;
import dev.memberlist.engine.wire.PushNodeState;
import dev.memberlist.engine.wire.PushPull;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Go memberlist 0.2.2's net_test.go: a node on real sockets (127.0.0.1) talks to a bare UDP
 * socket or TCP connection that speaks the wire format by hand, as Go's tests do.
 *
 * <p>Go's {@code GetMemberlist} node has nothing scheduled and nothing queued; ours is started
 * (so it knows itself and queued its own alive message), so each test first stops its loops
 * and clears its broadcast queue.
 */
class GoNetTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    /** Go's GetMemberlist on a real transport: nothing scheduled, nothing queued. */
    private Memberlist getMemberlist(java.util.function.UnaryOperator<Config> f) throws IOException {
        Config c = Config.lan()
                .setName("m")
                .setBindAddr("127.0.0.1")
                .setBindPort(0)
                .setGossipInterval(Duration.ZERO)
                .setPushPullInterval(Duration.ZERO);
        Memberlist m = Memberlist.create(f == null ? c : f.apply(c));
        closeables.add(m);
        GoHarness.deschedule(m);
        m.ctx.gossip.broadcasts.reset();
        return m;
    }

    /** Go's listenUDP. */
    private DatagramSocket listenUdp() throws IOException {
        DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        udp.setSoTimeout(2000);
        closeables.add(udp);
        return udp;
    }

    private static void send(DatagramSocket udp, Memberlist m, byte[] buf) throws IOException {
        udp.send(new DatagramPacket(buf, buf.length, m.advertiseAddress()));
    }

    private static byte[] receive(DatagramSocket udp) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
        udp.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    private static Ping pingFrom(DatagramSocket udp, long seqNo, String node) {
        return new Ping(seqNo, node, LOOPBACK.getAddress(), udp.getLocalPort(), "test");
    }

    private static AckResp decodeAck(byte[] in) throws DecodeException {
        assertThat(MessageType.fromCode(in[0] & 0xff))
                .as("bad response %s", Arrays.toString(in))
                .isEqualTo(MessageType.ACK_RESP);
        return MessageCodec.decode(AckResp.class, in, 1, in.length - 1);
    }

    @Test
    @DisplayName("TestHandleCompoundPing")
    void handleCompoundPing() throws Exception {
        Memberlist m = getMemberlist(c -> c.setEnableCompression(false));
        DatagramSocket udp = listenUdp();

        byte[] buf = MessageCodec.encode(pingFrom(udp, 42, ""));
        send(udp, m, Compound.makeCompoundMessage(List.of(buf, buf, buf)));

        for (int i = 0; i < 3; i++) {
            assertThat(decodeAck(receive(udp)).seqNo()).isEqualTo(42);
        }
    }

    @Test
    @DisplayName("TestHandlePing")
    void handlePing() throws Exception {
        Memberlist m = getMemberlist(c -> c.setEnableCompression(false));
        DatagramSocket udp = listenUdp();

        send(udp, m, MessageCodec.encode(pingFrom(udp, 42, "")));

        assertThat(decodeAck(receive(udp)).seqNo()).isEqualTo(42);
    }

    @Test
    @DisplayName("TestHandlePing_WrongNode")
    void handlePingWrongNode() throws Exception {
        Memberlist m = getMemberlist(c -> c.setEnableCompression(false));
        DatagramSocket udp = listenUdp();

        // a ping for the wrong node
        send(udp, m, MessageCodec.encode(pingFrom(udp, 42, m.name() + "-bad")));

        // should get an i/o timeout
        udp.setSoTimeout(50);
        assertThatThrownBy(() -> receive(udp)).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    @DisplayName("TestHandleIndirectPing")
    void handleIndirectPing() throws Exception {
        Memberlist m = getMemberlist(c -> c.setEnableCompression(false));
        DatagramSocket udp = listenUdp();

        // ask m to ping itself for us
        IndirectPingReq ind = new IndirectPingReq(
                100,
                m.advertiseAddress().getAddress().getAddress(),
                m.advertiseAddress().getPort(),
                m.name(),
                false,
                LOOPBACK.getAddress(),
                udp.getLocalPort(),
                "test");
        send(udp, m, MessageCodec.encode(ind));

        assertThat(decodeAck(receive(udp)).seqNo()).isEqualTo(100);
    }

    /** Reads one whole stream message, as Go's readStream does, with our framing and decoding. */
    private static StreamLayer.StreamMsg readStream(Memberlist m, Socket conn) throws Exception {
        FrameReader reader = new FrameReader(label -> true);
        InputStream in = conn.getInputStream();
        byte[] chunk = new byte[4096];
        while (!reader.result().isDone()) {
            int n = in.read(chunk);
            if (n < 0) {
                reader.onClose(null);
                break;
            }
            reader.onData(Arrays.copyOf(chunk, n));
        }
        return m.ctx.streams.decodeFrame(reader.result().get().bytes());
    }

    /** Go's TCPPing server side: accept one connection and answer with what {@code reply} builds. */
    private static CompletableFuture<Ping> serveOnce(
            Memberlist m, ServerSocket tcp, java.util.function.Function<Ping, byte[]> reply) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket conn = tcp.accept()) {
                StreamLayer.StreamMsg msg = readStream(m, conn);
                assertThat(msg.type()).as("expecting ping").isEqualTo(MessageType.PING);
                Ping in = MessageCodec.decode(Ping.class, msg.buf(), msg.off(), msg.len());
                conn.getOutputStream().write(m.ctx.streams.encodeStreamMessage(reply.apply(in)));
                conn.getOutputStream().flush();
                return in;
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    /**
     * Go reports a wrong sequence number and a wrong message type as errors and a dead node as
     * "no contact"; the probe treats all three alike (no contact), and so does ours, which
     * answers false for each.
     */
    @Test
    @DisplayName("TestTCPPing")
    void tcpPing() throws Exception {
        ServerSocket tcp = new ServerSocket(0, 50, LOOPBACK);
        Address tcpAddr2 = new Address(new InetSocketAddress(LOOPBACK, tcp.getLocalPort()), "test");
        Memberlist m = getMemberlist(null);
        long pingTimeout = m.ctx.config.getProbeInterval().toNanos();
        Duration pingTimeMax = m.ctx.config.getProbeInterval().plusMillis(10);
        tcp.setSoTimeout((int) pingTimeMax.toMillis());
        Ping pingOut = new Ping(23, "mongo", null, 0, "");

        // a normal round trip
        CompletableFuture<Ping> server = serveOnce(m, tcp, in -> MessageCodec.encode(new AckResp(in.seqNo(), null)));
        boolean didContact = m.ctx.streams
                .sendPingAndWaitForAck(tcpAddr2, pingOut, m.ctx.strand.nanoTime() + pingTimeout)
                .get(5, TimeUnit.SECONDS);
        Ping pingIn = server.get(5, TimeUnit.SECONDS);
        assertThat(pingIn.seqNo()).isEqualTo(pingOut.seqNo());
        assertThat(pingIn.node()).isEqualTo(pingOut.node());
        assertThat(didContact).as("expected successful ping").isTrue();

        // a mismatched sequence number is caught
        server = serveOnce(m, tcp, in -> MessageCodec.encode(new AckResp(in.seqNo() + 1, null)));
        didContact = m.ctx.streams
                .sendPingAndWaitForAck(tcpAddr2, pingOut, m.ctx.strand.nanoTime() + pingTimeout)
                .get(5, TimeUnit.SECONDS);
        server.get(5, TimeUnit.SECONDS);
        assertThat(didContact).as("expected failed ping").isFalse();

        // an unexpected message type is handled gracefully
        server = serveOnce(m, tcp, in -> MessageCodec.encode(new IndirectPingReq(0, null, 0, "", false, null, 0, "")));
        didContact = m.ctx.streams
                .sendPingAndWaitForAck(tcpAddr2, pingOut, m.ctx.strand.nanoTime() + pingTimeout)
                .get(5, TimeUnit.SECONDS);
        server.get(5, TimeUnit.SECONDS);
        assertThat(didContact).as("expected failed ping").isFalse();

        // failed I/O respects the deadline: the receiving node is totally down
        tcp.close();
        long start = System.nanoTime();
        didContact = m.ctx.streams
                .sendPingAndWaitForAck(tcpAddr2, pingOut, m.ctx.strand.nanoTime() + pingTimeout)
                .get(5, TimeUnit.SECONDS);
        assertThat(didContact).as("expected failed ping").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThanOrEqualTo(pingTimeMax);
    }

    @Test
    @DisplayName("TestTCPPushPull")
    void tcpPushPull() throws Exception {
        Memberlist m = getMemberlist(null);
        byte[] addr = m.advertiseAddress().getAddress().getAddress();
        int port = m.advertiseAddress().getPort();
        // Go appends a suspect "Test 0" to the node list directly
        NodeRecord test0 = NodeRecord.of("Test 0", addr, port, null, null, 0, NodeState.SUSPECT);
        long stateChange = m.ctx.strand.nanoTime() - TimeUnit.SECONDS.toNanos(1);
        // ours keeps the list by name, so the record is in the map too
        m.ctx.strand.execute(() -> m.ctx.membership.putForTest(test0, stateChange));

        try (Socket conn = new Socket(LOOPBACK, port)) {
            conn.setSoTimeout(5000);
            List<PushNodeState> localNodes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                localNodes.add(new PushNodeState("Test " + i, addr, port, null, 1, NodeState.ALIVE.code(), null));
            }
            // our node state, uncompressed and in the clear, as Go's test writes it
            conn.getOutputStream().write(MessageCodec.encodePushPull(new PushPull(false, localNodes, null)));

            StreamLayer.StreamMsg reply = readStream(m, conn);
            assertThat(reply.type()).isEqualTo(MessageType.PUSH_PULL);
            PushPull remote = MessageCodec.decodePushPull(reply.buf(), reply.off(), reply.len());

            // Go's node is not in its own list; ours is
            assertThat(remote.nodes()).extracting(PushNodeState::name).containsExactlyInAnyOrder("m", "Test 0");
            PushNodeState n = remote.nodes().stream()
                    .filter(s -> s.name().equals("Test 0"))
                    .findFirst()
                    .orElseThrow();
            assertThat(n.addr()).as("addr").isEqualTo(addr);
            assertThat(n.incarnation()).as("incarnation").isZero();
            assertThat(n.state()).as("state").isEqualTo(NodeState.SUSPECT.code());
        }
    }

    @Test
    @DisplayName("TestSendMsg_Piggyback")
    void sendMsgPiggyback() throws Exception {
        Memberlist m = getMemberlist(null);

        // a message to be broadcast
        byte[] vsn = {(byte) Config.PROTOCOL_VERSION_MIN, (byte) Config.PROTOCOL_VERSION_MAX, 1, 1, 1, 1};
        Alive a = new Alive(10, "rand", new byte[] {127, 0, 0, (byte) 255}, 0, null, vsn);
        m.ctx.gossip.queueBroadcast("rand", MessageCodec.encode(a), null);

        DatagramSocket udp = listenUdp();
        send(udp, m, MessageCodec.encode(pingFrom(udp, 42, "")));

        byte[] in = receive(udp);
        assertThat(MessageType.fromCode(in[0] & 0xff)).isEqualTo(MessageType.COMPOUND);
        Compound.Parts parts = Compound.decodeCompoundMessage(in, 1, in.length - 1);
        assertThat(parts.truncated()).isZero();
        assertThat(parts.parts()).hasSize(2);

        assertThat(decodeAck(parts.parts().get(0)).seqNo()).isEqualTo(42);
        byte[] p1 = parts.parts().get(1);
        Alive aliveOut = MessageCodec.decode(Alive.class, p1, 1, p1.length - 1);
        assertThat(aliveOut.node()).isEqualTo("rand");
        assertThat(aliveOut.incarnation()).isEqualTo(10);
    }

    /** Go encrypts and decrypts raw state; ours, a stream message (the unit that is encrypted). */
    @Test
    @DisplayName("TestEncryptDecryptState")
    void encryptDecryptState() throws Exception {
        byte[] key = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        Memberlist m = getMemberlist(c -> c.setSecretKey(key).setProtocolVersion(Config.PROTOCOL_VERSION_MAX));
        byte[] state =
                MessageCodec.encodeUserMsgStream("this is our internal state...".getBytes(StandardCharsets.UTF_8));

        byte[] crypt = m.ctx.streams.encodeStreamMessage(state);
        assertThat(crypt[0] & 0xff).isEqualTo(MessageType.ENCRYPT.code());

        StreamLayer.StreamMsg plain = m.ctx.streams.decodeFrame(crypt);
        assertThat(plain.type()).isEqualTo(MessageType.USER);
        assertThat(MessageCodec.decodeUserMsgStream(plain.buf(), plain.off(), plain.len()))
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("this is our internal state...");
    }

    @Test
    @DisplayName("TestRawSendUdp_CRC")
    void rawSendUdpCrc() throws Exception {
        Memberlist m = getMemberlist(c -> c.setEnableCompression(false));
        DatagramSocket udp = listenUdp();
        Address a = new Address(new InetSocketAddress(LOOPBACK, udp.getLocalPort()), "test");
        byte[] payload = {3, 3, 3, 3};

        // no node given, none registered under the address: no checksum
        m.ctx.packets.rawSendMsgPacket(a, null, payload);
        assertThat(receive(udp)).hasSize(4);

        // a node with PMax >= 5: a checksum
        NodeRecord pmax5 =
                NodeRecord.of("x", LOOPBACK.getAddress(), 0, null, new byte[] {1, 5, 2, 0, 0, 0}, 0, NodeState.ALIVE);
        m.ctx.packets.rawSendMsgPacket(a, pmax5, payload);
        assertThat(receive(udp)).hasSize(9);

        // a node with PMax >= 5 registered under the address's host (a node named by its IP)
        m.ctx.strand.execute(() -> m.ctx.membership.aliveNode(
                new Alive(1, "127.0.0.1", LOOPBACK.getAddress(), 1, null, new byte[] {1, 5, 2, 0, 0, 0}), null, false));
        org.awaitility.Awaitility.await().until(() -> m.node("127.0.0.1") != null);
        m.ctx.packets.rawSendMsgPacket(a, null, payload);
        assertThat(receive(udp)).hasSize(9);
    }

    @Test
    @DisplayName("TestIngestPacket_CRC")
    void ingestPacketCrc() throws Exception {
        Memberlist m = getMemberlist(c -> c.setEnableCompression(false));
        DatagramSocket udp = listenUdp();
        Address a = new Address(new InetSocketAddress(LOOPBACK, udp.getLocalPort()), "test");

        // a message with a checksum
        NodeRecord pmax5 =
                NodeRecord.of("x", LOOPBACK.getAddress(), 0, null, new byte[] {1, 5, 2, 0, 0, 0}, 0, NodeState.ALIVE);
        m.ctx.packets.rawSendMsgPacket(a, pmax5, new byte[] {3, 3, 3, 3});
        byte[] in = receive(udp);
        assertThat(in).hasSize(9);

        // corrupt the checksum: Go logs "invalid checksum" and drops it; ours counts the drop
        in[1] <<= 1;
        long before = m.droppedPackets();
        m.ctx.packets.ingestPacket(new Packet(in, (InetSocketAddress) udp.getLocalSocketAddress()));
        assertThat(m.droppedPackets()).isEqualTo(before + 1);
    }

    /** Go tests its deprecated IngestionAwareTransport here; the behaviour is: an empty packet is dropped. */
    @Test
    @DisplayName("TestIngestPacket_ExportedFunc_EmptyMessage")
    void ingestPacketEmptyMessage() throws Exception {
        Memberlist m = getMemberlist(c -> c.setEnableCompression(false));
        long before = m.droppedPackets();
        m.ctx.packets.ingestPacket(new Packet(new byte[0], new InetSocketAddress(LOOPBACK, 1)));
        assertThat(m.droppedPackets()).isEqualTo(before + 1);
    }

    @Test
    @DisplayName("TestGossip_MismatchedKeys")
    void gossipMismatchedKeys() throws IOException {
        // two agents with different gossip keys (24 ASCII bytes each: AES-192)
        Memberlist m1 = Memberlist.create(Config.lan()
                .setName("m1")
                .setBindAddr("127.0.0.1")
                .setBindPort(0)
                .setSecretKey("4W6DGn2VQVqDEceOdmuRTQ==".getBytes(StandardCharsets.US_ASCII)));
        closeables.add(m1);
        Memberlist m2 = Memberlist.create(Config.lan()
                .setName("m2")
                .setBindAddr("127.0.0.1")
                .setBindPort(0)
                .setSecretKey("XhX/w702/JKKK7/7OtM9Ww==".getBytes(StandardCharsets.US_ASCII)));
        closeables.add(m2);

        // the joining side gets this error
        assertThatThrownBy(() ->
                        m2.join(List.of("m1/127.0.0.1:" + m1.advertiseAddress().getPort())))
                .isInstanceOf(MemberlistException.class)
                .hasMessageContaining("no installed keys could decrypt the message");
    }
}
