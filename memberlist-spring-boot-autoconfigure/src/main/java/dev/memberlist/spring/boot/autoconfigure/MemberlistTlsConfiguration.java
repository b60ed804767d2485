package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.transport.net.NetTls;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * TLS between members from the SSL bundle named by {@code memberlist.tls.bundle}: the engine's
 * {@link NetTls} takes its contexts from {@link BundleTls}, which a bundle reload replaces, so new
 * connections use the new certificates and trust without a restart.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "memberlist.tls.bundle")
class MemberlistTlsConfiguration {

    static final String BUNDLE_PROPERTY = "memberlist.tls.bundle";

    @Bean
    BundleTls memberlistBundleTls(ObjectProvider<SslBundles> sslBundles, MemberlistProperties properties) {
        return BundleTls.create(sslBundles.getIfAvailable(), properties.getTls());
    }

    /** Early, so that an application's customizer sees TLS set and may change it. */
    @Bean
    @Order(0)
    MemberlistConfigCustomizer memberlistTlsCustomizer(BundleTls tls) {
        return (config) -> {
            if (config.getTls() == null) {
                config.setTls(tls.netTls());
            }
        };
    }

    /** The contexts of one SSL bundle, replaced whenever the bundle is reloaded. */
    static final class BundleTls {
        private static final Log logger = LogFactory.getLog(BundleTls.class);

        private final String name;
        private final ClientAuth clientAuth;
        private final AtomicReference<Contexts> contexts = new AtomicReference<>();
        private final NetTls netTls;

        private record Contexts(SslContext server, SslContext client) {}

        private BundleTls(String name, ClientAuth clientAuth, SslBundle bundle, MemberlistProperties.Tls tls) {
            this.name = name;
            this.clientAuth = clientAuth;
            try {
                this.contexts.set(contexts(bundle));
            } catch (SSLException | RuntimeException ex) {
                throw new InvalidConfigurationPropertyValueException(
                        BUNDLE_PROPERTY, name, "its key or trust material cannot make a TLS context: " + ex);
            }
            this.netTls = new NetTls(
                    () -> this.contexts.get().server(),
                    () -> this.contexts.get().client(),
                    tls.getHandshakeTimeout());
        }

        static BundleTls create(SslBundles bundles, MemberlistProperties.Tls tls) {
            String name = tls.getBundle().trim();
            if (bundles == null) {
                throw new InvalidConfigurationPropertyValueException(
                        BUNDLE_PROPERTY, name, "no SslBundles bean: define the bundle under spring.ssl.bundle");
            }
            SslBundle bundle;
            try {
                bundle = bundles.getBundle(name);
            } catch (NoSuchSslBundleException ex) {
                throw new InvalidConfigurationPropertyValueException(
                        BUNDLE_PROPERTY,
                        name,
                        "no SSL bundle of that name; define it under spring.ssl.bundle.pem." + name
                                + " or spring.ssl.bundle.jks." + name + " (bundles defined: "
                                + bundles.getBundleNames() + ")");
            }
            BundleTls result = new BundleTls(name, clientAuth(tls.getClientAuth()), bundle, tls);
            bundles.addBundleUpdateHandler(name, result::reloaded);
            return result;
        }

        /** What the engine is given: contexts asked for at every new connection. */
        NetTls netTls() {
            return this.netTls;
        }

        /** A reload: new connections use the new bundle; a broken one keeps the old contexts. */
        void reloaded(SslBundle bundle) {
            try {
                this.contexts.set(contexts(bundle));
                logger.info("memberlist: SSL bundle '" + this.name + "' reloaded; new connections use it");
            } catch (SSLException | RuntimeException ex) {
                logger.error(
                        "memberlist: SSL bundle '" + this.name + "' reloaded but unusable, keeping the previous one",
                        ex);
            }
        }

        private Contexts contexts(SslBundle bundle) throws SSLException {
            SslManagerBundle managers = bundle.getManagers();
            SslContextBuilder server = SslContextBuilder.forServer(managers.getKeyManagerFactory())
                    .trustManager(managers.getTrustManagerFactory())
                    .clientAuth(this.clientAuth);
            SslContextBuilder client = SslContextBuilder.forClient()
                    .keyManager(managers.getKeyManagerFactory())
                    .trustManager(managers.getTrustManagerFactory())
                    // members are dialled by IP: the chain is checked, not the host name (NetTls)
                    .endpointIdentificationAlgorithm(null);
            for (SslContextBuilder b : List.of(server, client)) {
                b.sslProvider(NetTls.provider());
                SslOptions options = bundle.getOptions();
                if (options.getCiphers() != null) {
                    b.ciphers(List.of(options.getCiphers()));
                }
                if (options.getEnabledProtocols() != null) {
                    b.protocols(options.getEnabledProtocols());
                }
            }
            return new Contexts(server.build(), client.build());
        }

        private static ClientAuth clientAuth(MemberlistProperties.Tls.ClientAuth clientAuth) {
            return switch (clientAuth) {
                case NONE -> ClientAuth.NONE;
                case WANT -> ClientAuth.OPTIONAL;
                case NEED -> ClientAuth.REQUIRE;
            };
        }
    }
}
