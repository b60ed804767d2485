package dev.memberlist.engine.transport.net;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for every TCP connection of a {@link NetTransport}: streams (push-pull, TCP pings, reliable
 * messages) and, in {@link TransportMode#TCP} mode, packet connections. Each connection starts
 * with a handshake bounded by {@code handshakeTimeout}; a failed one closes the connection and is
 * counted ({@link NetTransport#tlsHandshakeFailures()}). UDP datagrams are not covered: in
 * {@link TransportMode#UDP} mode they rely on the keyring's AES-GCM, as in Go.
 *
 * <p>The contexts are asked for at every new connection, so a supplier that returns a new
 * context (certificates renewed, trust changed) applies it to new connections without a restart;
 * open ones keep theirs. The suppliers are called on event loops and must return at once.
 *
 * <p>Peers are checked against the trust material only; host names are not verified, since
 * members are dialled by IP and a certificate rarely names every address a node may have. Go
 * memberlist has no TLS: a TLS cluster is made of Java nodes.
 *
 * @param serverContext the context for accepted connections ({@link SslContext#isServer()}); its
 *     client authentication decides whether peers must present a trusted certificate
 * @param clientContext the context for dialled connections ({@link SslContext#isClient()})
 * @param handshakeTimeout how long a handshake may take before the connection is closed
 */
public record NetTls(
        Supplier<SslContext> serverContext, Supplier<SslContext> clientContext, Duration handshakeTimeout) {

    /** A handshake that takes longer is abandoned, by default: far above a LAN's round trips. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public NetTls {
        Objects.requireNonNull(serverContext, "serverContext");
        Objects.requireNonNull(clientContext, "clientContext");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive, got " + handshakeTimeout);
        }
    }

    /** Fixed contexts and the default handshake timeout. */
    public static NetTls of(SslContext serverContext, SslContext clientContext) {
        Objects.requireNonNull(serverContext, "serverContext");
        Objects.requireNonNull(clientContext, "clientContext");
        return new NetTls(() -> serverContext, () -> clientContext, DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /**
     * OpenSSL when netty-tcnative is on the class path and loads, else the JDK's provider. Nothing
     * here depends on tcnative: it is used only when the application brings it.
     */
    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /**
     * A server context presenting {@code keys} and checking clients against {@code trust}.
     *
     * @param clientAuth {@link ClientAuth#REQUIRE} for mutual TLS (a peer without a trusted
     *     certificate is refused), {@link ClientAuth#OPTIONAL} to check one only if presented,
     *     {@link ClientAuth#NONE} to ask for none
     */
    public static SslContext serverContext(KeyManagerFactory keys, TrustManagerFactory trust, ClientAuth clientAuth)
            throws SSLException {
        return SslContextBuilder.forServer(Objects.requireNonNull(keys, "keys"))
                .sslProvider(provider())
                .trustManager(trust)
                .clientAuth(Objects.requireNonNull(clientAuth, "clientAuth"))
                .build();
    }

    /**
     * A client context presenting {@code keys} (null: none, for servers that do not require one)
     * and checking servers against {@code trust}, with no host name verification (see above).
     */
    public static SslContext clientContext(KeyManagerFactory keys, TrustManagerFactory trust) throws SSLException {
        return SslContextBuilder.forClient()
                .sslProvider(provider())
                .keyManager(keys)
                .trustManager(Objects.requireNonNull(trust, "trust"))
                // Netty 4.2 verifies host names by default; members are dialled by IP (see above)
                .endpointIdentificationAlgorithm(null)
                .build();
    }
}
