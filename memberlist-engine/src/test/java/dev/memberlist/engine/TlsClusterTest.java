package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.memberlist.engine.transport.net.NetTls;
import dev.memberlist.engine.transport.net.TestPki;
import dev.memberlist.engine.transport.net.TransportMode;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Nodes in {@link TransportMode#TCP} mode with TLS on every connection, on real loopback sockets
 * and certificates made for the test: they form a cluster, refuse plaintext and untrusted peers
 * (counted, logged once a peer address), and declare a crashed node dead.
 */
class TlsClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static TestPki.Ca clusterCa;
    private static TestPki.Ca otherCa;
    private static TestPki.NodeCert certA;
    private static TestPki.NodeCert certB;
    private static TestPki.NodeCert certC;
    private static TestPki.NodeCert stranger;

    private final List<Memberlist> nodes = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        clusterCa = TestPki.ca(dir, "cluster");
        otherCa = TestPki.ca(dir, "other");
        certA = TestPki.node(dir, clusterCa, "a");
        certB = TestPki.node(dir, clusterCa, "b");
        certC = TestPki.node(dir, clusterCa, "c");
        stranger = TestPki.node(dir, otherCa, "stranger");
    }

    @AfterEach
    void stop() {
        nodes.forEach(Memberlist::shutdown);
    }

    private Memberlist node(String name, NetTls tls) throws IOException {
        Memberlist m = Memberlist.create(Config.lan()
                .setName(name)
                .setBindAddr("127.0.0.1")
                .setAdvertiseAddr("127.0.0.1")
                .setBindPort(0)
                .setTransportMode(TransportMode.TCP)
                .setTls(tls));
        nodes.add(m);
        return m;
    }

    private static String seed(Memberlist m) {
        return "127.0.0.1:" + m.advertiseAddress().getPort();
    }

    @Test
    void threeNodesFormATlsClusterRefusePlaintextAndDetectACrash() throws Exception {
        Memberlist a = node("a", certA.tls());
        Memberlist b = node("b", certB.tls());
        Memberlist c = node("c", certC.tls());
        assertThat(b.join(List.of(seed(a)))).isEqualTo(1);
        assertThat(c.join(List.of(seed(a)))).isEqualTo(1);
        await().atMost(WAIT).until(() -> nodes.stream().allMatch(n -> n.numMembers() == 3));
        for (Memberlist m : nodes) {
            // packets go over the TLS connections: no UDP socket anywhere
            try (DatagramSocket s = new DatagramSocket(m.advertiseAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(m.advertiseAddress().getPort());
            }
        }
        assertThat(a.tlsHandshakeFailures()).isZero();

        // the listener speaks TLS: a trusted client completes a handshake
        try (SSLSocket s = trustedClient(a.advertiseAddress())) {
            s.startHandshake();
            assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(certA.chain()[0]);
        }
        // plaintext that begins like a memberlist stream (a ping) or a packet connection is refused
        for (int first : new int[] {0, 0xE7}) {
            try (Socket s = new Socket()) {
                s.connect(a.advertiseAddress(), 5_000);
                s.setSoTimeout(30_000);
                s.getOutputStream().write(new byte[] {(byte) first, 1, 2, 3, 4, 5, 6, 7, 8, 9});
                s.getOutputStream().flush();
                assertClosedByPeer(s.getInputStream());
            }
        }
        await().atMost(WAIT).until(() -> a.tlsHandshakeFailures() >= 2);

        // a while of probes over TLS: nobody suspected
        ClusterAssertions.nobodySuspectedFor(nodes, Duration.ofSeconds(2), WAIT);
        ClusterAssertions.crashIsDetected(c, a, b, WAIT); // a crash: no leave
    }

    @Test
    void aNodeWithAnUntrustedCertificateCannotJoinAndIsLoggedOnce() throws Exception {
        Logger tlsLog = (Logger) LoggerFactory.getLogger("dev.memberlist.engine.transport.net.TlsHandshakes");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        tlsLog.addAppender(logged);
        try {
            Memberlist a = node("a", certA.tls());
            Memberlist b = node("b", certB.tls());
            assertThat(b.join(List.of(seed(a)))).isEqualTo(1);
            // its own CA only: it trusts nobody here and nobody here trusts it
            Memberlist x = node("x", stranger.tls());
            for (int attempt = 0; attempt < 3; attempt++) {
                assertThatThrownBy(() -> x.join(List.of(seed(a)))).isInstanceOf(MemberlistException.class);
            }
            await().atMost(WAIT).until(() -> a.tlsHandshakeFailures() >= 3 && x.tlsHandshakeFailures() >= 3);
            assertThat(a.numMembers()).isEqualTo(2);
            assertThat(b.numMembers()).isEqualTo(2);
            assertThat(x.numMembers()).isEqualTo(1);
            assertThat(a.node("x")).isNull();

            // once a peer address, not once an attempt: a's side sees 127.0.0.1, x's side a's port
            List<String> warnings = logged.list.stream()
                    .filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage)
                    .toList();
            assertThat(warnings)
                    .filteredOn(w -> w.startsWith("TLS handshake from 127.0.0.1 "))
                    .hasSize(1);
            assertThat(warnings)
                    .filteredOn(w -> w.startsWith(
                            "TLS handshake to 127.0.0.1:" + a.advertiseAddress().getPort() + " "))
                    .hasSize(1);
        } finally {
            tlsLog.detachAppender(logged);
        }
    }

    private static SSLSocket trustedClient(InetSocketAddress to) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(certB.keyManagers().getKeyManagers(), certB.trustManagers().getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        s.connect(to, 5_000);
        s.setSoTimeout(30_000);
        return s;
    }

    private static void assertClosedByPeer(InputStream in) throws IOException {
        try {
            // a TLS alert may come first; then the end
            while (in.read() >= 0) {
                // drain
            }
        } catch (SocketException | SSLException e) {
            // reset: closed too
        }
    }
}
