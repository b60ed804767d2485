package dev.memberlist.engine.security;

import dev.memberlist.engine.wire.DecodeException;
import java.util.List;

/**
 * AES-GCM framing (Go's security.go): {@code [vsn][nonce 12][ciphertext + tag 16]}. Version 0
 * pads the plaintext with PKCS#7 to a multiple of 16 before sealing; version 1 does not. The
 * key length picks AES-128, -192 or -256.
 */
public final class Security {
    /** GCM nonce size. */
    public static final int NONCE_SIZE = 12;
    /** GCM tag size. */
    public static final int TAG_SIZE = 16;
    /** Highest encryption version understood. */
    public static final int MAX_ENCRYPTION_VERSION = 1;

    private Security() {}

    /** Bytes encryption adds at most: 45 for version 0, 29 for version 1. */
    public static int encryptOverhead(int vsn) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Exact length of the encrypted form of {@code inputLen} bytes. */
    public static int encryptedLength(int vsn, int inputLen) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Encrypts with a fresh random nonce. {@code aad} may be null or empty. */
    public static byte[] encryptPayload(int vsn, byte[] key, byte[] msg, byte[] aad) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Decrypts with the first key that authenticates.
     *
     * @throws DecodeException when too short, of an unknown version, or no key fits
     */
    public static byte[] decryptPayload(List<byte[]> keys, byte[] msg, byte[] aad) throws DecodeException {
        throw new UnsupportedOperationException("TODO");
    }
}
