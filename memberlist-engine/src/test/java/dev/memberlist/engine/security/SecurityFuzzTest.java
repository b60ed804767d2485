package dev.memberlist.engine.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.memberlist.engine.wire.DecodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of {@link Security#decryptPayload}: garbage, and valid AES-GCM
 * (versions 0 and 1, every key size) around fuzzed plaintext, then cut, flipped or decrypted
 * with the wrong keys or associated data. Only the plaintext or a {@link DecodeException} may
 * come out; the plaintext only for the right key and associated data, and never longer than the
 * input. How to fuzz for longer: see {@code dev.memberlist.engine.wire.WireFuzzTest}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SecurityFuzzTest {
    private static final int[] KEY_SIZES = {16, 24, 32, 0, 15, 17, 31, 33};

    @FuzzTest
    void decryptPayload(FuzzedDataProvider d) {
        List<byte[]> keys = new ArrayList<>();
        int n = d.consumeInt(0, 3);
        for (int i = 0; i < n; i++) {
            keys.add(key(d, d.pickValue(KEY_SIZES)));
        }
        byte[] aad = d.consumeBoolean() ? null : d.consumeBytes(d.consumeInt(0, 40));
        byte[] msg;
        byte[] expected = null;
        if (d.consumeBoolean()) {
            int vsn = d.consumeInt(0, 1);
            byte[] key = key(d, d.pickValue(new int[] {16, 24, 32}));
            byte[] plain = d.consumeBytes(d.consumeInt(0, 2048));
            byte[] sealAad = d.consumeBoolean() ? aad : d.consumeBytes(d.consumeInt(0, 40));
            msg = Security.encryptPayload(vsn, key, plain, sealAad);
            switch (d.consumeInt(0, 4)) {
                case 1 -> msg = java.util.Arrays.copyOf(msg, d.consumeInt(0, msg.length));
                case 2 -> msg[d.consumeInt(0, msg.length - 1)] ^= (byte) d.consumeInt(1, 255);
                case 3 -> msg[0] = d.consumeByte();
                default -> {
                    if (d.consumeBoolean()) {
                        keys.add(d.consumeInt(0, keys.size()), key);
                    }
                    if (containsKey(keys, key) && sameAad(aad, sealAad)) {
                        expected = plain;
                    }
                }
            }
        } else {
            msg = d.consumeRemainingAsBytes();
        }
        byte[] out;
        try {
            out = Security.decryptPayload(keys, msg, aad);
        } catch (DecodeException e) {
            assertThat(expected)
                    .as("valid ciphertext rejected: " + e.getMessage())
                    .isNull();
            return;
        }
        assertThat(out.length).isLessThan(msg.length);
        if (expected != null) {
            assertThat(out).isEqualTo(expected);
        }
    }

    private static byte[] key(FuzzedDataProvider d, int size) {
        byte[] k = d.consumeBytes(size);
        return k.length == size ? k : java.util.Arrays.copyOf(k, size);
    }

    private static boolean containsKey(List<byte[]> keys, byte[] key) {
        return keys.stream().anyMatch(k -> java.util.Arrays.equals(k, key));
    }

    /** Null and empty associated data are the same to GCM. */
    private static boolean sameAad(byte[] a, byte[] b) {
        return java.util.Arrays.equals(a == null ? new byte[0] : a, b == null ? new byte[0] : b);
    }
}
