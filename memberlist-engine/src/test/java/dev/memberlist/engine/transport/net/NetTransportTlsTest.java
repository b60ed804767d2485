package dev.memberlist.engine.transport.net;

import static dev.memberlist.engine.transport.net.NetFixture.addressOf;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.transport.StreamConnection;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams of a UDP-mode {@link NetTransport} with TLS, on loopback: a trusted peer's stream
 * carries bytes both ways, an untrusted one fails its dial and is never handed to the listener,
 * and a context supplier that changes applies to the next connection.
 */
class NetTransportTlsTest {
    private static final Duration DIAL = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    private static TestPki.NodeCert certA;
    private static TestPki.NodeCert certB;
    private static TestPki.NodeCert stranger;

    private final NetFixture net = new NetFixture();

    @BeforeAll
    static void certificates() throws Exception {
        TestPki.Ca ca = TestPki.ca(dir, "ca");
        TestPki.Ca other = TestPki.ca(dir, "other");
        certA = TestPki.node(dir, ca, "a");
        certB = TestPki.node(dir, ca, "b");
        stranger = TestPki.node(dir, other, "stranger");
    }

    @AfterEach
    void shutDown() {
        net.close();
    }

    private NetTransport start(NetTls tls, Recorders.Listener listener) throws Exception {
        return net.start(
                NetTransportConfig.builder().bindAddrs("127.0.0.1").tls(tls).build(), listener);
    }

    @Test
    void aTrustedPeersStreamCarriesBytesAndAnUntrustedOneNeverReachesTheListener() throws Exception {
        Recorders.Listener la = new Recorders.Listener();
        NetTransport a = start(certA.tls(), la);
        NetTransport b = start(certB.tls(), new Recorders.Listener());
        NetTransport x = start(stranger.tls(), new Recorders.Listener());
        assertThat(a.isTls()).isTrue();
        assertThat(a.udpSocketCount()).isEqualTo(1); // UDP stays UDP

        StreamConnection dialed = b.dialAddress(addressOf(a, "127.0.0.1"), DIAL).get(10, TimeUnit.SECONDS);
        Recorders.Reader replies = new Recorders.Reader();
        dialed.startReading(replies);
        dialed.write("request".getBytes(UTF_8)).get(10, TimeUnit.SECONDS);
        StreamConnection accepted = la.nextStream();
        Recorders.Reader requests = new Recorders.Reader();
        accepted.startReading(requests);
        await().atMost(DIAL).until(() -> requests.size() == "request".length());
        assertThat(requests.bytes()).asString(UTF_8).isEqualTo("request");
        accepted.write("reply".getBytes(UTF_8));
        accepted.close();
        assertThat(replies.awaitClose()).isNull();
        assertThat(replies.bytes()).asString(UTF_8).isEqualTo("reply");

        assertThatThrownBy(() -> x.dialAddress(addressOf(a, "127.0.0.1"), DIAL).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("TLS handshake");
        await().atMost(DIAL).until(() -> a.tlsHandshakeFailures() == 1 && x.tlsHandshakeFailures() == 1);
        assertThat(la.streams).isEmpty();
        assertThat(b.tlsHandshakeFailures()).isZero();
    }

    @Test
    void aNewContextFromTheSupplierAppliesToTheNextConnection() throws Exception {
        SslContext trustsOwnCa = NetTls.serverContext(certA.keyManagers(), certA.trustManagers(), ClientAuth.REQUIRE);
        SslContext trustsBoth = NetTls.serverContext(
                certA.keyManagers(), TestPki.trusting(certA.ca(), stranger.ca()), ClientAuth.REQUIRE);
        AtomicReference<SslContext> server = new AtomicReference<>(trustsOwnCa);
        SslContext client = NetTls.clientContext(certA.keyManagers(), certA.trustManagers());
        Recorders.Listener la = new Recorders.Listener();
        NetTransport a = start(new NetTls(server::get, () -> client, Duration.ofSeconds(5)), la);
        // trusts a's CA as well as its own
        SslContext xClient = NetTls.clientContext(stranger.keyManagers(), TestPki.trusting(certA.ca(), stranger.ca()));
        SslContext xServer = NetTls.serverContext(stranger.keyManagers(), stranger.trustManagers(), ClientAuth.REQUIRE);
        NetTransport x =
                start(new NetTls(() -> xServer, () -> xClient, Duration.ofSeconds(5)), new Recorders.Listener());

        // TLS 1.3: the client may finish before the server refuses its certificate; the server never accepts it
        dialQuietly(x, a);
        await().atMost(DIAL).until(() -> a.tlsHandshakeFailures() == 1);
        assertThat(la.streams).isEmpty();

        server.set(trustsBoth);
        StreamConnection dialed = x.dialAddress(addressOf(a, "127.0.0.1"), DIAL).get(10, TimeUnit.SECONDS);
        dialed.write("hello".getBytes(UTF_8)).get(10, TimeUnit.SECONDS);
        StreamConnection accepted = la.nextStream();
        Recorders.Reader r = new Recorders.Reader();
        accepted.startReading(r);
        await().atMost(DIAL).until(() -> r.size() == "hello".length());
        assertThat(a.tlsHandshakeFailures()).isEqualTo(1);
    }

    private static void dialQuietly(NetTransport from, NetTransport to) {
        try {
            from.dialAddress(addressOf(to, "127.0.0.1"), DIAL).get(10, TimeUnit.SECONDS);
        } catch (Exception expected) {
            // refused either way: by our check of the server, or by its check of us
        }
    }
}
