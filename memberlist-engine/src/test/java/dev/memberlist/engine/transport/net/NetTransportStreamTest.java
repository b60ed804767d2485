package dev.memberlist.engine.transport.net;

import static dev.memberlist.engine.transport.net.NetFixture.addressOf;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.transport.StreamConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetTransportStreamTest {
    private static final Duration DIAL = Duration.ofSeconds(5);

    private final NetFixture net = new NetFixture();
    private final Recorders.Listener la = new Recorders.Listener();
    private final Recorders.Listener lb = new Recorders.Listener();
    private NetTransport a;
    private NetTransport b;

    @BeforeEach
    void startTwo() throws IOException {
        a = net.start("127.0.0.1", la);
        b = net.start("127.0.0.1", lb);
    }

    @AfterEach
    void shutDown() {
        net.close();
    }

    @Test
    void requestAndReplyBothWays() throws Exception {
        exchange(a, b, lb);
        exchange(b, a, la);
    }

    private static void exchange(NetTransport from, NetTransport to, Recorders.Listener toListener) throws Exception {
        StreamConnection dialed =
                from.dialAddress(addressOf(to, "127.0.0.1"), DIAL).get(10, TimeUnit.SECONDS);
        assertThat(dialed.remoteAddress().getPort()).isEqualTo(to.boundPort());
        Recorders.Reader replies = new Recorders.Reader();
        dialed.startReading(replies);
        dialed.write("request".getBytes(UTF_8)).get(10, TimeUnit.SECONDS);

        StreamConnection accepted = toListener.nextStream();
        assertThat(accepted.remoteAddress().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        Recorders.Reader requests = new Recorders.Reader();
        accepted.startReading(requests);
        await().atMost(Duration.ofSeconds(10)).until(() -> requests.size() == "request".length());
        assertThat(requests.bytes()).asString(UTF_8).isEqualTo("request");
        accepted.write("reply".getBytes(UTF_8));
        accepted.close();

        assertThat(replies.awaitClose()).isNull();
        assertThat(replies.bytes()).asString(UTF_8).isEqualTo("reply");
        dialed.close();
        assertThat(requests.awaitClose()).isNull();
        assertThat(requests.closes).hasValue(1);
        assertThat(replies.closes).hasValue(1);
    }

    @Test
    void bytesThatArriveBeforeStartReadingAreDeliveredInOrder() throws Exception {
        StreamConnection dialed = a.dialAddress(addressOf(b, "127.0.0.1"), DIAL).get(10, TimeUnit.SECONDS);
        StreamConnection accepted = lb.nextStream();
        byte[] expected = new byte[0];
        for (int i = 0; i < 50; i++) {
            byte[] piece = ("piece-" + i + ";").getBytes(UTF_8);
            dialed.write(piece);
            expected = concat(expected, piece);
        }
        int total = expected.length;
        // everything has been read off the socket into the acceptor's unread buffer
        await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().bytesIn() == total);
        // and the acceptor replies and closes before the dialer reads anything
        accepted.write("early reply".getBytes(UTF_8)).get(10, TimeUnit.SECONDS);
        accepted.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().bytesIn() == "early reply".length());

        Recorders.Reader dialerReader = new Recorders.Reader();
        dialed.startReading(dialerReader);
        Recorders.Reader acceptorReader = new Recorders.Reader();
        accepted.startReading(acceptorReader);

        assertThat(dialerReader.awaitClose()).isNull();
        assertThat(dialerReader.bytes()).asString(UTF_8).isEqualTo("early reply");
        // the acceptor closed its side, so it ends without the dialer's help; its bytes came first
        assertThat(acceptorReader.awaitClose()).isNull();
        assertThat(acceptorReader.bytes()).isEqualTo(expected);
        assertThat(acceptorReader.closes).hasValue(1);
    }

    @Test
    void tenMebibytesArriveIntactInChunks() throws Exception {
        byte[] payload = new byte[10 << 20];
        new Random(7).nextBytes(payload);
        StreamConnection dialed = a.dialAddress(addressOf(b, "127.0.0.1"), DIAL).get(10, TimeUnit.SECONDS);
        StreamConnection accepted = lb.nextStream();
        Recorders.Reader reader = new Recorders.Reader();
        accepted.startReading(reader);

        dialed.write(payload.clone()).get(30, TimeUnit.SECONDS);
        dialed.close();

        assertThat(reader.closed.get(30, TimeUnit.SECONDS)).isNull();
        assertThat(reader.chunks.get()).isGreaterThan(1);
        assertThat(Arrays.equals(reader.bytes(), payload)).as("10 MiB intact").isTrue();
        assertThat(a.stats().bytesOut()).isEqualTo(payload.length);
        assertThat(b.stats().bytesIn()).isEqualTo(payload.length);
        assertThat(a.stats().pktsOut()).isZero();
    }

    @Test
    void aResetByTheDialerEndsTheAcceptedStreamWithACause() throws Exception {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", b.boundPort()), 5_000);
            StreamConnection accepted = lb.nextStream();
            Recorders.Reader reader = new Recorders.Reader();
            accepted.startReading(reader);
            raw.getOutputStream().write("partial".getBytes(UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> reader.size() == "partial".length());

            raw.setSoLinger(true, 0); // close sends RST
            raw.close();

            assertThat(reader.awaitClose()).isInstanceOf(IOException.class);
            assertThat(reader.closes).hasValue(1);
            assertThat(reader.bytes()).asString(UTF_8).isEqualTo("partial");
        }
    }

    @Test
    void aResetByTheAcceptorEndsTheDialedStreamWithACause() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            StreamConnection dialed = a.dialAddress(
                            Address.of(new InetSocketAddress("127.0.0.1", server.getLocalPort())), DIAL)
                    .get(10, TimeUnit.SECONDS);
            Recorders.Reader reader = new Recorders.Reader();
            dialed.startReading(reader);
            try (Socket peer = server.accept()) {
                peer.setSoLinger(true, 0);
            }

            assertThat(reader.awaitClose()).isInstanceOf(IOException.class);
            assertThat(reader.closes).hasValue(1);
        }
    }

    @Test
    void aPlainSocketPeerGetsTheReplyAndAnOrderlyEnd() throws Exception {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", b.boundPort()), 5_000);
            StreamConnection accepted = lb.nextStream();
            accepted.write("hello".getBytes(UTF_8));
            accepted.close();
            accepted.close(); // idempotent

            InputStream in = raw.getInputStream();
            assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("hello");
            assertThat(accepted.write(new byte[1]))
                    .failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(IOException.class);
        }
    }

    @Test
    void startReadingTwiceIsRefused() throws Exception {
        StreamConnection dialed = a.dialAddress(addressOf(b, "127.0.0.1"), DIAL).get(10, TimeUnit.SECONDS);
        dialed.startReading(new Recorders.Reader());
        assertThatThrownBy(() -> dialed.startReading(new Recorders.Reader())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tooManyUnreadBytesCloseTheStream() throws Exception {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", b.boundPort()), 5_000);
            StreamConnection accepted = lb.nextStream();
            byte[] mebibyte = new byte[1 << 20];
            OutputStream out = raw.getOutputStream();
            long limitMiB = NetStreamConnection.MAX_UNREAD_BYTES >> 20;
            try {
                for (int i = 0; i <= limitMiB + 1; i++) {
                    out.write(mebibyte);
                }
            } catch (IOException closedByTransport) {
                // expected once the transport gives up on the stream
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> b.stats().bytesIn() > NetStreamConnection.MAX_UNREAD_BYTES);

            Recorders.Reader reader = new Recorders.Reader();
            accepted.startReading(reader);
            assertThat(reader.awaitClose()).hasMessageContaining("unread");
            assertThat(reader.size()).isZero();
        }
    }

    @Test
    void dialingAClosedPortFailsPromptlyAndSaysWhere() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        long start = System.nanoTime();
        var dial = a.dialAddress(Address.of(new InetSocketAddress("127.0.0.1", port)), DIAL);

        assertThat(dial)
                .failsWithin(Duration.ofSeconds(3))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(IOException.class)
                .withMessageContaining("127.0.0.1:" + port)
                .withMessageContaining("refused");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DIAL);
    }

    @Test
    void dialingAPeerThatDoesNotAnswerTimesOut() throws Exception {
        // Outbound TCP on this host is intercepted (a connect to 10.255.255.1 succeeds), so the
        // black hole is local: a listener whose accept queue is full drops further SYNs.
        try (Blackhole hole = Blackhole.open()) {
            Duration timeout = Duration.ofMillis(300);
            long start = System.nanoTime();
            var dial = a.dialAddress(Address.of(hole.address()), timeout);

            assertThat(dial)
                    .failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause()
                    .isInstanceOf(IOException.class)
                    .withMessageContaining("127.0.0.1:" + hole.address().getPort())
                    .havingCause()
                    .isInstanceOf(io.netty.channel.ConnectTimeoutException.class);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void shutdownFailsDialsInProgress() throws Exception {
        try (Blackhole hole = Blackhole.open()) {
            var dial = a.dialAddress(Address.of(hole.address()), Duration.ofSeconds(30));
            a.shutdown();
            assertThat(dial).failsWithin(Duration.ofSeconds(5));
        }
    }

    @Test
    void streamsWorkOverIpv6Loopback() throws Exception {
        Recorders.Listener l6 = new Recorders.Listener();
        NetTransport a6 = net.start("::1", new Recorders.Listener());
        NetTransport b6 = net.start("::1", l6);
        StreamConnection dialed = a6.dialAddress(addressOf(b6, "::1"), DIAL).get(10, TimeUnit.SECONDS);
        dialed.write("v6".getBytes(UTF_8));
        dialed.close();
        Recorders.Reader reader = new Recorders.Reader();
        l6.nextStream().startReading(reader);

        assertThat(reader.awaitClose()).isNull();
        assertThat(reader.bytes()).asString(UTF_8).isEqualTo("v6");
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }
}
