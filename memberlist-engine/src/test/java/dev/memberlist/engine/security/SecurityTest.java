package dev.memberlist.engine.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memberlist.engine.wire.DecodeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ports of Go's security_test.go, and what Go leaves unchecked. */
class SecurityTest {
    private static final byte[] K1 = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

    @Test
    void pkcs7() throws DecodeException {
        // TestPKCS7
        for (int i = 0; i <= 255; i++) {
            byte[] buf = new byte[i];
            Arrays.fill(buf, (byte) i);
            byte[] padded = Security.pkcs7encode(buf);
            assertThat(padded.length % 16).isZero();
            assertThat(padded.length - i).isBetween(1, 16);
            assertThat(Security.pkcs7decode(padded)).isEqualTo(buf);
        }
    }

    @Test
    void pkcs7decodeRejectsBadPadLengths() {
        assertThatThrownBy(() -> Security.pkcs7decode(new byte[0])).isInstanceOf(DecodeException.class);
        byte[] zero = new byte[16];
        assertThatThrownBy(() -> Security.pkcs7decode(zero)).isInstanceOf(DecodeException.class);
        byte[] seventeen = new byte[32];
        seventeen[31] = 17;
        assertThatThrownBy(() -> Security.pkcs7decode(seventeen)).isInstanceOf(DecodeException.class);
        byte[] longer = {5, 5, 5, 5};
        assertThatThrownBy(() -> Security.pkcs7decode(longer)).isInstanceOf(DecodeException.class);
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {0, 1})
    void encryptDecrypt(int vsn) throws DecodeException {
        // TestEncryptDecrypt_V0 / _V1
        byte[] plaintext = "this is a plain text message".getBytes(StandardCharsets.UTF_8);
        byte[] extra = "random data".getBytes(StandardCharsets.UTF_8);
        byte[] encrypted = Security.encryptPayload(vsn, K1, plaintext, extra);
        assertThat(encrypted).hasSize(Security.encryptedLength(vsn, plaintext.length));
        assertThat(encrypted[0]).isEqualTo((byte) vsn);
        assertThat(Security.decryptPayload(List.of(K1), encrypted, extra)).isEqualTo(plaintext);
    }

    @Test
    void lengthsAndOverhead() {
        assertThat(Security.encryptOverhead(0)).isEqualTo(45);
        assertThat(Security.encryptOverhead(1)).isEqualTo(29);
        assertThatThrownBy(() -> Security.encryptOverhead(2)).isInstanceOf(IllegalArgumentException.class);
        for (int n = 0; n < 100; n++) {
            assertThat(Security.encryptedLength(1, n)).isEqualTo(29 + n);
            assertThat(Security.encryptedLength(0, n)).isEqualTo(1 + 12 + n + (16 - n % 16) + 16);
            assertThat(Security.encryptedLength(0, n) - n).isLessThanOrEqualTo(Security.encryptOverhead(0));
        }
        assertThat(Security.encryptedLength(0, 0)).isEqualTo(45);
        assertThat(Security.encryptedLength(1, 0)).isEqualTo(29);
    }

    @ParameterizedTest(name = "{0}-byte key")
    @ValueSource(ints = {16, 24, 32})
    void everyAesKeySize(int size) throws DecodeException {
        byte[] key = new byte[size];
        new Random(size).nextBytes(key);
        for (int vsn = 0; vsn <= 1; vsn++) {
            for (int n : new int[] {0, 1, 15, 16, 17, 1000, 65536}) {
                byte[] msg = new byte[n];
                new Random(n).nextBytes(msg);
                byte[] enc = Security.encryptPayload(vsn, key, msg, null);
                assertThat(enc).hasSize(Security.encryptedLength(vsn, n));
                assertThat(Security.decryptPayload(List.of(key), enc, null)).isEqualTo(msg);
                assertThat(Security.decryptPayload(List.of(key), enc, new byte[0]))
                        .isEqualTo(msg);
            }
        }
    }

    @Test
    void triesEveryKeyInOrder() throws DecodeException {
        byte[] k2 = new byte[32];
        Arrays.fill(k2, (byte) 2);
        byte[] k3 = new byte[24];
        Arrays.fill(k3, (byte) 3);
        byte[] msg = "rotate".getBytes(StandardCharsets.UTF_8);
        byte[] byK3 = Security.encryptPayload(1, k3, msg, null);
        assertThat(Security.decryptPayload(List.of(K1, k2, k3), byK3, null)).isEqualTo(msg);
        assertThatThrownBy(() -> Security.decryptPayload(List.of(K1, k2), byK3, null))
                .isInstanceOf(DecodeException.class)
                .hasMessage("no installed keys could decrypt the message");
        assertThatThrownBy(() -> Security.decryptPayload(List.of(), byK3, null))
                .isInstanceOf(DecodeException.class)
                .hasMessage("no installed keys could decrypt the message");
        // A key of a bad length in the list is just one that does not fit.
        assertThat(Security.decryptPayload(List.of(new byte[5], k3), byK3, null))
                .isEqualTo(msg);
        // Keyring order is primary first.
        Keyring ring = Keyring.of(k2, K1, k3);
        assertThat(Security.decryptPayload(ring.keysUnsafe(), byK3, null)).isEqualTo(msg);
    }

    @Test
    void additionalDataMustMatch() {
        byte[] enc = Security.encryptPayload(1, K1, new byte[10], "lbl".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Security.decryptPayload(List.of(K1), enc, null))
                .isInstanceOf(DecodeException.class);
        assertThatThrownBy(() -> Security.decryptPayload(List.of(K1), enc, "lbm".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DecodeException.class);
        // No AAD: null and empty are the same, as in Go.
        byte[] none = Security.encryptPayload(1, K1, new byte[10], null);
        assertThat(catchDecrypt(none, new byte[0])).isNotNull();
    }

    private static byte[] catchDecrypt(byte[] msg, byte[] aad) {
        try {
            return Security.decryptPayload(List.of(K1), msg, aad);
        } catch (DecodeException e) {
            return null;
        }
    }

    @Test
    void rejectsShortUnknownAndTampered() {
        assertThatThrownBy(() -> Security.decryptPayload(List.of(K1), new byte[0], null))
                .isInstanceOf(DecodeException.class);
        assertThatThrownBy(() -> Security.decryptPayload(List.of(K1), new byte[28], null))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("too small");
        byte[] v0short = new byte[44];
        assertThatThrownBy(() -> Security.decryptPayload(List.of(K1), v0short, null))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("too small");
        byte[] v2 = new byte[100];
        v2[0] = 2;
        assertThatThrownBy(() -> Security.decryptPayload(List.of(K1), v2, null))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("version");
        byte[] enc = Security.encryptPayload(0, K1, new byte[33], null);
        for (int i = 1; i < enc.length; i++) {
            byte[] bad = enc.clone();
            bad[i] ^= 0x40;
            assertThatThrownBy(() -> Security.decryptPayload(List.of(K1), bad, null))
                    .isInstanceOf(DecodeException.class);
        }
    }

    @Test
    void versionByteIsNotAuthenticated() throws DecodeException {
        // As in Go, the version byte is outside the AEAD: a v0 message relabelled v1 opens, padding and all.
        byte[] msg = new byte[33];
        byte[] enc = Security.encryptPayload(0, K1, msg, null);
        enc[0] = 1;
        byte[] plain = Security.decryptPayload(List.of(K1), enc, null);
        assertThat(plain).hasSize(48);
        assertThat(Arrays.copyOfRange(plain, 33, 48)).containsOnly(15);
    }

    @Test
    void authenticPaddingThatLiesIsRejected() throws Exception {
        // Sealed by a peer that padded with a bogus length (0, and 200): Go would return garbage or panic.
        for (int pad : new int[] {0, 200}) {
            byte[] plain = new byte[16];
            plain[15] = (byte) pad;
            byte[] sealed = Security.encryptPayload(1, K1, plain, null);
            sealed[0] = 0; // same layout; v0 only differs in the padding inside
            assertThatThrownBy(() -> Security.decryptPayload(List.of(K1), sealed, null))
                    .isInstanceOf(DecodeException.class);
        }
    }

    @Test
    void encryptRejectsBadArguments() {
        assertThatThrownBy(() -> Security.encryptPayload(2, K1, new byte[1], null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Security.encryptPayload(1, new byte[15], new byte[1], null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noncesAreFresh() {
        byte[] a = Security.encryptPayload(1, K1, new byte[8], null);
        byte[] b = Security.encryptPayload(1, K1, new byte[8], null);
        assertThat(Arrays.copyOfRange(a, 1, 13)).isNotEqualTo(Arrays.copyOfRange(b, 1, 13));
    }

    @Test
    void threadsShareNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    for (int i = 0; i < 300; i++) {
                        byte[] msg = new byte[rnd.nextInt(3000)];
                        rnd.nextBytes(msg);
                        int vsn = rnd.nextInt(2);
                        byte[] enc = Security.encryptPayload(vsn, K1, msg, null);
                        if (!Arrays.equals(Security.decryptPayload(List.of(K1), enc, null), msg)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
