package dev.memberlist.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.transport.net.TestPki;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring Boot applications forming a cluster over TLS with certificates from an SSL bundle of PEM
 * files made in the test: an untrusted node cannot join (counted, logged once), a reloaded
 * bundle lets it in without a restart, and a missing bundle stops start-up.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsClusterIntegrationTests {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final LoopbackApplications applications = new LoopbackApplications();

    @AfterEach
    void closeAll() {
        this.applications.close();
    }

    @Test
    void membersFormATlsClusterAnUntrustedNodeIsKeptOutUntilTheBundleIsReloaded(CapturedOutput output)
            throws Exception {
        TestPki.Ca clusterCa = TestPki.ca(this.dir, "cluster");
        TestPki.Ca newCa = TestPki.ca(this.dir, "new");
        TestPki.NodeCert c1 = TestPki.node(this.dir, clusterCa, "n1");
        TestPki.NodeCert c2 = TestPki.node(this.dir, clusterCa, "n2");
        TestPki.NodeCert c3 = TestPki.node(this.dir, newCa, "n3");
        // n1 trusts the cluster's CA only, from a file it watches; n3 trusts both CAs
        Path n1Trust = write("n1-trust.pem", clusterCa);
        Path n2Trust = write("n2-trust.pem", clusterCa);
        Path n3Trust = write("n3-trust.pem", clusterCa, newCa);

        ConfigurableApplicationContext n1 = start("n1", null, c1, n1Trust);
        Memberlist m1 = n1.getBean(Memberlist.class);
        String seed = "127.0.0.1:" + m1.advertiseAddress().getPort();
        ConfigurableApplicationContext n2 = start("n2", seed, c2, n2Trust);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(names(n1)).containsExactlyInAnyOrder("n1", "n2"));
        assertThat(m1.tlsHandshakeFailures()).isZero();

        // n3's certificate comes from a CA n1 does not trust: its join attempts fail
        ConfigurableApplicationContext n3 = start("n3", seed, c3, n3Trust);
        await().atMost(PATIENCE).until(() -> m1.tlsHandshakeFailures() >= 3);
        assertThat(names(n1)).containsExactlyInAnyOrder("n1", "n2");
        assertThat(names(n3)).containsExactly("n3");
        Counter failed = n1.getBean(MeterRegistry.class)
                .find("memberlist.tls.handshake.failed")
                .counter();
        assertThat(failed).isNotNull();
        assertThat(failed.count()).isGreaterThanOrEqualTo(3);
        // every attempt counted, but logged once for the peer's address
        assertThat(output.getOut().lines().filter((l) -> l.contains("TLS handshake from 127.0.0.1 failed")))
                .hasSize(1);

        // n1's bundle is reloaded with trust in the new CA too: n3 gets in, nobody restarted
        Path next = this.dir.resolve("n1-trust.pem.next");
        Files.writeString(
                next,
                TestPki.pem("CERTIFICATE", clusterCa.certificate().getEncoded())
                        + TestPki.pem("CERTIFICATE", newCa.certificate().getEncoded()));
        Files.move(next, n1Trust, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(names(n1)).containsExactlyInAnyOrder("n1", "n2", "n3");
            assertThat(names(n3)).containsExactlyInAnyOrder("n1", "n2", "n3");
        });
        assertThat(n1.getBean(Memberlist.class)).isSameAs(m1);
        assertThat(names(n2)).contains("n1", "n2");
    }

    @Test
    void aMissingBundleFailsStartUpNamingTheProperty() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, MemberlistAutoConfiguration.class))
                .withPropertyValues(
                        "memberlist.tls.bundle=nowhere", "memberlist.bind-address=127.0.0.1", "memberlist.bind-port=0")
                .run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                            .hasMessageContaining("memberlist.tls.bundle")
                            .hasMessageContaining("nowhere");
                });
    }

    private Path write(String file, TestPki.Ca... cas) throws IOException {
        StringBuilder pem = new StringBuilder();
        for (TestPki.Ca ca : cas) {
            try {
                pem.append(TestPki.pem("CERTIFICATE", ca.certificate().getEncoded()));
            } catch (java.security.cert.CertificateEncodingException ex) {
                throw new IOException(ex);
            }
        }
        Path p = this.dir.resolve(file);
        Files.writeString(p, pem);
        return p;
    }

    private static List<String> names(ConfigurableApplicationContext context) {
        return context.getBean(Memberlist.class).members().stream()
                .map(Node::name)
                .toList();
    }

    private ConfigurableApplicationContext start(String name, String seed, TestPki.NodeCert cert, Path trust) {
        String bundle = "spring.ssl.bundle.pem.cluster.";
        return this.applications.start(
                TlsApplication.class,
                name,
                seed,
                "memberlist.join-retry-interval=300ms",
                "memberlist.tls.bundle=cluster",
                bundle + "keystore.certificate=file:" + cert.chainPem(),
                bundle + "keystore.private-key=file:" + cert.privateKeyPem(),
                bundle + "truststore.certificate=file:" + trust,
                bundle + "reload-on-update=true",
                "spring.ssl.bundle.watch.file.quiet-period=100ms");
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class TlsApplication {}
}
