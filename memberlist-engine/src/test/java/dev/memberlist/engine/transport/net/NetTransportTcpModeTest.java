package dev.memberlist.engine.transport.net;

import static dev.memberlist.engine.transport.net.NetFixture.addressOf;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.transport.StreamConnection;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link TransportMode#TCP}: packets as frames on TCP connections, real sockets on loopback. */
class NetTransportTcpModeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final NetFixture net = new NetFixture();

    @AfterEach
    void shutDown() {
        net.close();
    }

    private static NetTransportConfig.Builder tcp() {
        return NetTransportConfig.builder().bindAddrs("127.0.0.1").mode(TransportMode.TCP);
    }

    private NetTransport start(Recorders.Listener l) throws IOException {
        return net.start(tcp().build(), l);
    }

    @Test
    void packetsGoBothWaysOverTcpWithNoUdpSocketBound() throws Exception {
        Recorders.Listener la = new Recorders.Listener();
        Recorders.Listener lb = new Recorders.Listener();
        NetTransport a = start(la);
        NetTransport b = start(lb);

        assertThat(a.udpSocketCount()).isZero();
        assertThat(b.udpSocketCount()).isZero();
        // nothing holds UDP on their ports: we can bind them ourselves
        for (NetTransport t : new NetTransport[] {a, b}) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", t.boundPort()))) {
                assertThat(s.getLocalPort()).isEqualTo(t.boundPort());
            }
        }

        a.writeToAddress("ping".getBytes(UTF_8), addressOf(b, "127.0.0.1")).get(10, TimeUnit.SECONDS);
        Packet atB = lb.nextPacket();
        assertThat(atB.buf()).asString(UTF_8).isEqualTo("ping");
        // as from a UDP socket on the sender's bind port
        assertThat(atB.from()).isEqualTo(new InetSocketAddress("127.0.0.1", a.boundPort()));

        b.writeToAddress("ack".getBytes(UTF_8), addressOf(a, "127.0.0.1")).get(10, TimeUnit.SECONDS);
        Packet atA = la.nextPacket();
        assertThat(atA.buf()).asString(UTF_8).isEqualTo("ack");
        assertThat(atA.from()).isEqualTo(new InetSocketAddress("127.0.0.1", b.boundPort()));

        // many packets, one connection each way, in order
        for (int i = 0; i < 500; i++) {
            a.writeToAddress(("p" + i).getBytes(UTF_8), addressOf(b, "127.0.0.1"));
        }
        for (int i = 0; i < 500; i++) {
            assertThat(lb.nextPacket().buf()).asString(UTF_8).isEqualTo("p" + i);
        }
        assertThat(a.packetConnectionCount()).isEqualTo(1);
        assertThat(b.packetConnectionCount()).isEqualTo(1);
        assertThat(a.packetConnectionStats().outboundOpened()).isEqualTo(1);
        assertThat(b.packetConnectionStats().inboundOpened()).isEqualTo(1);
        assertThat(a.stats().pktsOut()).isEqualTo(501);
        assertThat(b.stats().pktsIn()).isEqualTo(501);
    }

    @Test
    void theFromAddressIsTheAdvertisedPort() throws Exception {
        Recorders.Listener lb = new Recorders.Listener();
        NetTransport a = start(new Recorders.Listener());
        NetTransport b = start(lb);
        // behind a port mapping a node advertises another port than it binds
        a.finalAdvertiseAddr("127.0.0.1", 40_000);

        a.writeToAddress(new byte[] {1}, addressOf(b, "127.0.0.1"));

        assertThat(lb.nextPacket().from()).isEqualTo(new InetSocketAddress("127.0.0.1", 40_000));
    }

    @Test
    void theLargestDatagramGoesWholeAndALargerOneIsRefusedAndCounted() throws Exception {
        Recorders.Listener lb = new Recorders.Listener();
        NetTransport a = start(new Recorders.Listener());
        NetTransport b = start(lb);
        byte[] big = new byte[PacketFraming.MAX_FRAME];
        new Random(1).nextBytes(big);

        a.writeToAddress(big.clone(), addressOf(b, "127.0.0.1")).get(10, TimeUnit.SECONDS);
        assertThat(lb.nextPacket().buf()).isEqualTo(big);

        CompletableFuture<Void> tooBig =
                a.writeToAddress(new byte[PacketFraming.MAX_FRAME + 1], addressOf(b, "127.0.0.1"));
        assertThat(tooBig).isCompletedExceptionally();
        assertThat(a.packetConnectionStats().droppedTooLarge()).isEqualTo(1);
    }

    @Test
    void streamsStillWorkOnTheSamePort() throws Exception {
        Recorders.Listener lb = new Recorders.Listener();
        NetTransport a = start(new Recorders.Listener());
        NetTransport b = start(lb);

        StreamConnection dialed =
                a.dialAddress(addressOf(b, "127.0.0.1"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        Recorders.Reader replies = new Recorders.Reader();
        dialed.startReading(replies);
        // a stream's first byte is a message type: 6 is push-pull
        dialed.write(new byte[] {6, 'h', 'i'});

        StreamConnection accepted = lb.nextStream();
        Recorders.Reader requests = new Recorders.Reader();
        accepted.startReading(requests);
        await().atMost(WAIT).until(() -> requests.size() == 3);
        assertThat(requests.bytes()).containsExactly(6, 'h', 'i');
        accepted.write("reply".getBytes(UTF_8));
        accepted.close();
        assertThat(replies.awaitClose()).isNull();
        assertThat(replies.bytes()).asString(UTF_8).isEqualTo("reply");
        assertThat(lb.packets).isEmpty();
    }

    @Test
    void packetsToAPortWhereNothingListensAreDroppedAndCounted() throws Exception {
        NetTransport a = start(new Recorders.Listener());
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        Address nowhere = Address.of(new InetSocketAddress("127.0.0.1", closed));

        // queued while the connection opens, then lost with it, as UDP would lose them
        assertThat(a.writeToAddress(new byte[] {1}, nowhere)).isCompleted();
        await().atMost(WAIT).until(() -> a.packetConnectionStats().connectFailures() >= 1);
        assertThat(a.packetConnectionStats().connectFailures()).isEqualTo(1);
        assertThat(a.packetConnectionStats().droppedConnectFailed()).isEqualTo(1);
        await().atMost(WAIT).until(() -> a.packetConnectionCount() == 0);
    }

    @Test
    void packetsQueuedBehindAConnectionThatHangsAreBoundedAndCounted() throws Exception {
        NetTransport a = net.start(tcp().connectTimeout(Duration.ofSeconds(2)).build(), new Recorders.Listener());
        try (Blackhole hole = Blackhole.open()) {
            Address there = Address.of(hole.address());
            int sent = PacketConnections.MAX_PENDING_PACKETS + 10;
            int refused = 0;
            for (int i = 0; i < sent; i++) {
                if (a.writeToAddress(new byte[] {(byte) i}, there).isCompletedExceptionally()) {
                    refused++;
                }
            }
            assertThat(refused).isEqualTo(10);
            assertThat(a.packetConnectionStats().droppedWhileConnecting()).isEqualTo(10);
            await().atMost(WAIT).until(() -> a.packetConnectionStats().connectFailures() >= 1);
            assertThat(a.packetConnectionStats().connectFailures()).isEqualTo(1);
            assertThat(a.packetConnectionStats().droppedConnectFailed())
                    .isEqualTo(PacketConnections.MAX_PENDING_PACKETS);
        }
    }

    @Test
    void anIdleConnectionClosesAndTheNextPacketReopensIt() throws Exception {
        Recorders.Listener lb = new Recorders.Listener();
        NetTransport a =
                net.start(tcp().packetIdleTimeout(Duration.ofMillis(300)).build(), new Recorders.Listener());
        NetTransport b = start(lb);

        a.writeToAddress(new byte[] {1}, addressOf(b, "127.0.0.1"));
        lb.nextPacket();
        await().atMost(WAIT).until(() -> a.packetConnectionCount() == 0);
        assertThat(a.packetConnectionStats().idleClosed()).isEqualTo(1);

        a.writeToAddress(new byte[] {2}, addressOf(b, "127.0.0.1"));
        assertThat(lb.nextPacket().buf()).containsExactly(2);
        assertThat(a.packetConnectionStats().outboundOpened()).isEqualTo(2);
    }

    @Test
    void aBadFirstByteIsClosedAndCounted() throws Exception {
        NetTransport b = start(new Recorders.Listener());
        try (Socket s = connect(b)) {
            s.getOutputStream().write(new byte[] {(byte) 0x47, 'E', 'T', ' ', '/'});
            assertClosedByPeer(s);
        }
        assertThat(b.packetConnectionStats().badFirstByte()).isEqualTo(1);
        assertStillCarriesPackets(b);
    }

    @Test
    void aBadHelloIsClosedAndCounted() throws Exception {
        NetTransport b = start(new Recorders.Listener());
        try (Socket s = connect(b)) {
            // version 9
            s.getOutputStream().write(new byte[] {(byte) PacketFraming.MAGIC, 9, 4, 127, 0, 0, 1, 0, 80});
            assertClosedByPeer(s);
        }
        try (Socket s = connect(b)) {
            // an IP of 7 bytes
            s.getOutputStream().write(new byte[] {(byte) PacketFraming.MAGIC, 1, 7, 1, 2, 3, 4, 5, 6, 7, 0, 80});
            assertClosedByPeer(s);
        }
        assertThat(b.packetConnectionStats().badHeaders()).isEqualTo(2);
        assertStillCarriesPackets(b);
    }

    @Test
    void anOversizedOrEmptyFrameClosesTheConnectionAndIsCounted() throws Exception {
        Recorders.Listener lb = new Recorders.Listener();
        NetTransport b = start(lb);
        for (int length : new int[] {PacketFraming.MAX_FRAME + 1, 0, -1}) {
            try (Socket s = connect(b)) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                hello(out, 5555);
                out.writeInt(3);
                out.write(new byte[] {7, 7, 7});
                out.writeInt(length); // -1: 4 GiB as unsigned
                out.write(new byte[1024]);
                out.flush();
                assertClosedByPeer(s);
            }
            // the good frame before the bad one was delivered
            assertThat(lb.nextPacket().buf()).containsExactly(7, 7, 7);
        }
        assertThat(b.packetConnectionStats().badFrames()).isEqualTo(3);
        assertThat(b.packetConnectionStats().malformedInbound()).isEqualTo(3);
        assertStillCarriesPackets(b);
    }

    @Test
    void aConnectionThatSaysNothingIsClosedAfterTheConnectTimeout() throws Exception {
        NetTransport b = net.start(tcp().connectTimeout(Duration.ofMillis(500)).build(), new Recorders.Listener());
        try (Socket s = connect(b)) {
            assertClosedByPeer(s);
        }
        assertThat(b.packetConnectionStats().silentClosed()).isEqualTo(1);
    }

    @Test
    void inboundPacketConnectionsPastTheLimitAreShedAndCounted() throws Exception {
        Recorders.Listener lb = new Recorders.Listener();
        NetTransport b = net.start(tcp().maxPacketConnections(2).build(), lb);
        Socket[] kept = new Socket[2];
        try {
            for (int i = 0; i < 2; i++) {
                kept[i] = connect(b);
                DataOutputStream out = new DataOutputStream(kept[i].getOutputStream());
                hello(out, 6000 + i);
                out.writeInt(1);
                out.write(i);
                out.flush();
                lb.nextPacket();
            }
            try (Socket third = connect(b)) {
                hello(new DataOutputStream(third.getOutputStream()), 6002);
                assertClosedByPeer(third);
            }
            assertThat(b.packetConnectionStats().inboundShed()).isEqualTo(1);
        } finally {
            for (Socket s : kept) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    private static Socket connect(NetTransport t) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", t.boundPort()), 10_000);
        s.setSoTimeout(20_000);
        return s;
    }

    private static void hello(DataOutputStream out, int port) throws IOException {
        out.write(new byte[] {(byte) PacketFraming.MAGIC, 1, 4, 127, 0, 0, 1});
        out.writeShort(port);
        out.flush();
    }

    /** Reads until the peer closes: end of stream or a reset; fails on the read timeout. */
    private static void assertClosedByPeer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // the transport writes nothing on an inbound connection
            }
        } catch (java.net.SocketException reset) {
            // a reset is a close too
        }
    }

    /** A well-behaved peer still gets its packets through. */
    private void assertStillCarriesPackets(NetTransport b) throws Exception {
        NetTransport c = start(new Recorders.Listener());
        long before = b.stats().pktsIn();
        c.writeToAddress(new byte[] {42}, addressOf(b, "127.0.0.1"));
        await().atMost(WAIT).until(() -> b.stats().pktsIn() == before + 1);
    }
}
