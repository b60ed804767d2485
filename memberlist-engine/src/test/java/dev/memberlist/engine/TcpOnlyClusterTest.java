package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.engine.transport.net.TransportMode;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes in {@link TransportMode#TCP} mode on real loopback sockets: they form a cluster
 * with no UDP socket open, declare a crashed node dead, spread a metadata update, and shrug off
 * malformed packet connections.
 */
class TcpOnlyClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<Memberlist> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(Memberlist::shutdown);
    }

    /** Metadata that a test can change. */
    private static final class Meta implements NodeDelegate {
        volatile String value;

        Meta(String value) {
            this.value = value;
        }

        @Override
        public byte[] nodeMeta(int limit) {
            return value.getBytes(StandardCharsets.UTF_8);
        }
    }

    private Memberlist node(String name, Meta meta) throws IOException {
        Memberlist m = Memberlist.create(Config.lan()
                .setName(name)
                .setBindAddr("127.0.0.1")
                .setAdvertiseAddr("127.0.0.1")
                .setBindPort(0)
                .setTransportMode(TransportMode.TCP)
                .setDelegate(meta));
        nodes.add(m);
        return m;
    }

    private List<Memberlist> threeNodeCluster(Meta... metas) throws IOException {
        Memberlist a = node("a", metas[0]);
        Memberlist b = node("b", metas[1]);
        Memberlist c = node("c", metas[2]);
        String seed = "127.0.0.1:" + a.advertiseAddress().getPort();
        assertThat(b.join(List.of(seed))).isEqualTo(1);
        assertThat(c.join(List.of(seed))).isEqualTo(1);
        await().atMost(WAIT).until(() -> nodes.stream().allMatch(n -> n.numMembers() == 3));
        for (Memberlist m : nodes) {
            assertNoUdpSocketOn(m);
        }
        return List.of(a, b, c);
    }

    private static void assertNoUdpSocketOn(Memberlist m) throws IOException {
        InetSocketAddress addr = m.advertiseAddress();
        // a UDP socket already bound there would make this bind fail
        try (DatagramSocket s = new DatagramSocket(addr)) {
            assertThat(s.getLocalPort()).isEqualTo(addr.getPort());
        }
    }

    @Test
    void threeNodesFormAClusterWithNoUdpSocketAndDetectACrash() throws Exception {
        List<Memberlist> cluster = threeNodeCluster(new Meta("a"), new Meta("b"), new Meta("c"));
        Memberlist a = cluster.get(0);
        Memberlist b = cluster.get(1);
        Memberlist c = cluster.get(2);
        // a while of probes and gossip over TCP: nobody is suspected
        ClusterAssertions.nobodySuspectedFor(cluster, Duration.ofSeconds(3), WAIT);
        ClusterAssertions.crashIsDetected(c, a, b, WAIT); // a crash: no leave
    }

    @Test
    void aMetadataUpdateSpreadsToEveryNode() throws Exception {
        Meta metaOfA = new Meta("v1");
        List<Memberlist> cluster = threeNodeCluster(metaOfA, new Meta("b"), new Meta("c"));
        await().atMost(WAIT).until(() -> cluster.stream()
                .allMatch(m -> "v1".equals(m.node("a").metaString())));

        metaOfA.value = "v2";
        cluster.get(0).updateNode(Duration.ofSeconds(10));

        await().atMost(WAIT).until(() -> cluster.stream()
                .allMatch(m -> "v2".equals(m.node("a").metaString())));
    }

    @Test
    void malformedPacketConnectionsAreDroppedAndCountedAndTheNodeGoesOn() throws Exception {
        List<Memberlist> cluster = threeNodeCluster(new Meta("a"), new Meta("b"), new Meta("c"));
        Memberlist a = cluster.get(0);
        InetSocketAddress addr = a.advertiseAddress();
        long droppedBefore = a.droppedPackets();

        // a first byte that begins neither a stream nor a packet connection
        try (Socket s = connect(addr)) {
            s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedByPeer(s);
        }
        // a packet connection with a frame length far over a datagram's
        try (Socket s = connect(addr)) {
            DataOutputStream out = hello(s);
            out.writeInt(1 << 30);
            out.flush();
            assertClosedByPeer(s);
        }
        // frames of garbage: each one a packet the protocol cannot decode
        byte[] garbage = new byte[1200];
        new Random(7).nextBytes(garbage);
        garbage[0] = 99; // no message type, no label, no CRC marker
        try (Socket s = connect(addr)) {
            DataOutputStream out = hello(s);
            for (int i = 0; i < 20; i++) {
                out.writeInt(garbage.length);
                out.write(garbage);
            }
            out.flush();
            await().atMost(WAIT).until(() -> a.droppedPackets() >= droppedBefore + 20);
        }

        // still answering probes, and nobody was suspected over it
        Memberlist b = cluster.get(1);
        assertThat(b.ping("a", addr)).isLessThan(Duration.ofSeconds(5));
        for (Memberlist m : cluster) {
            assertThat(m.members()).hasSize(3).allMatch(n -> n.state() == NodeState.ALIVE);
        }
    }

    private static Socket connect(InetSocketAddress addr) throws IOException {
        Socket s = new Socket();
        s.connect(addr, 10_000);
        s.setSoTimeout(30_000);
        return s;
    }

    /** The hello of a packet connection (magic, version, IPv4 127.0.0.1, port 9). */
    private static DataOutputStream hello(Socket s) throws IOException {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.write(new byte[] {(byte) 0xE7, 1, 4, 127, 0, 0, 1});
        out.writeShort(9);
        return out;
    }

    private static void assertClosedByPeer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // nothing is ever written back
            }
        } catch (SocketException reset) {
            // a reset is a close too
        }
    }
}
