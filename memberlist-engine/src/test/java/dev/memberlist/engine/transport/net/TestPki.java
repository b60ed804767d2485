package dev.memberlist.engine.transport.net;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for tests, made with the JDK's own {@code keytool} (run as a process, since the
 * JDK's certificate classes are not exported): a CA per call to {@link #ca}, node certificates
 * signed by it, each also written as PEM files the way Spring Boot's PEM SSL bundles read them.
 */
public final class TestPki {
    private static final String PASSWORD = "changeit";

    private TestPki() {}

    /** A certificate authority: its key store (alias {@code ca}) and its certificate as PEM. */
    public record Ca(String name, Path keyStore, X509Certificate certificate, Path certificatePem) {}

    /**
     * A node's key and certificate signed by a CA.
     *
     * @param chainPem the node's certificate then the CA's, PEM
     * @param privateKeyPem the key, PKCS#8 PEM
     */
    public record NodeCert(Ca ca, PrivateKey key, X509Certificate[] chain, Path chainPem, Path privateKeyPem) {

        /** Keys presenting this certificate. */
        public KeyManagerFactory keyManagers() throws GeneralSecurityException, IOException {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("node", key, PASSWORD.toCharArray(), chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD.toCharArray());
            return kmf;
        }

        /** Trust in this node's CA only. */
        public TrustManagerFactory trustManagers() throws GeneralSecurityException, IOException {
            return trusting(ca);
        }

        /** TLS presenting this certificate and trusting its CA only, mutual. */
        public NetTls tls() throws GeneralSecurityException, IOException {
            SslContext server = NetTls.serverContext(keyManagers(), trustManagers(), ClientAuth.REQUIRE);
            SslContext client = NetTls.clientContext(keyManagers(), trustManagers());
            return NetTls.of(server, client);
        }
    }

    /** Trust in these CAs. */
    public static TrustManagerFactory trusting(Ca... cas) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (Ca ca : cas) {
            ks.setCertificateEntry(ca.name(), ca.certificate());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf;
    }

    /** A new CA named {@code name}, its files in {@code dir}. */
    public static Ca ca(Path dir, String name) throws IOException, GeneralSecurityException {
        Path ks = dir.resolve(name + "-ca.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + name,
                "-ext",
                "bc:c",
                "-validity",
                "30",
                "-keystore",
                ks.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD);
        KeyStore store = load(ks);
        X509Certificate cert = (X509Certificate) store.getCertificate("ca");
        Path pem = dir.resolve(name + "-ca.crt");
        Files.writeString(pem, pem("CERTIFICATE", cert.getEncoded()));
        return new Ca(name, ks, cert, pem);
    }

    /** A node certificate for {@code 127.0.0.1}, named {@code name}, signed by {@code ca}. */
    public static NodeCert node(Path dir, Ca ca, String name) throws IOException, GeneralSecurityException {
        Path ks = dir.resolve(name + ".p12");
        Path csr = dir.resolve(name + ".csr");
        Path crt = dir.resolve(name + ".signed.crt");
        keytool(
                "-genkeypair",
                "-alias",
                "node",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + name,
                "-validity",
                "30",
                "-keystore",
                ks.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD);
        keytool(
                "-certreq",
                "-alias",
                "node",
                "-keystore",
                ks.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                csr.toString());
        keytool(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                ca.keyStore().toString(),
                "-storepass",
                PASSWORD,
                "-infile",
                csr.toString(),
                "-outfile",
                crt.toString(),
                "-rfc",
                "-validity",
                "30",
                "-ext",
                "KU=digitalSignature",
                "-ext",
                "EKU=serverAuth,clientAuth",
                "-ext",
                "SAN=ip:127.0.0.1");
        PrivateKey key = (PrivateKey) load(ks).getKey("node", PASSWORD.toCharArray());
        X509Certificate leaf;
        try (InputStream in = Files.newInputStream(crt)) {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        X509Certificate[] chain = {leaf, ca.certificate()};
        Path chainPem = dir.resolve(name + ".crt");
        Files.writeString(
                chainPem,
                pem("CERTIFICATE", leaf.getEncoded())
                        + pem("CERTIFICATE", ca.certificate().getEncoded()));
        Path keyPem = dir.resolve(name + ".key");
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
        return new NodeCert(ca, key, chain, chainPem, keyPem);
    }

    /** PEM text of one DER object. */
    public static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static KeyStore load(Path p) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(p))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private static void keytool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool timed out: " + cmd);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("keytool failed (" + p.exitValue() + "): " + cmd + "\n" + out);
        }
    }
}
