package dev.memberlist.engine.security;

import dev.memberlist.engine.wire.DecodeException;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

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

    private static final int VERSION_SIZE = 1;
    private static final int BLOCK_SIZE = 16;
    private static final int TAG_BITS = TAG_SIZE * 8;

    private static final SecureRandom RANDOM = new SecureRandom();
    // Cipher.getInstance is slow and a Cipher is not thread-safe: one per thread, re-initialised per call.
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(Security::newCipher);

    private Security() {}

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException("AES/GCM is not available", e);
        }
    }

    /**
     * Bytes encryption adds at most: 45 for version 0, 29 for version 1.
     *
     * @throws IllegalArgumentException for other versions
     */
    public static int encryptOverhead(int vsn) {
        return switch (vsn) {
            case 0 -> 45; // version 1, nonce 12, padding up to 16, tag 16
            case 1 -> 29; // version 1, nonce 12, tag 16
            default -> throw new IllegalArgumentException("unsupported encryption version " + vsn);
        };
    }

    /** Exact length of the encrypted form of {@code inputLen} bytes. */
    public static int encryptedLength(int vsn, int inputLen) {
        if (vsn >= 1) {
            return VERSION_SIZE + NONCE_SIZE + inputLen + TAG_SIZE;
        }
        int padding = BLOCK_SIZE - (inputLen % BLOCK_SIZE);
        return VERSION_SIZE + NONCE_SIZE + inputLen + padding + TAG_SIZE;
    }

    /**
     * Encrypts with a fresh random nonce. {@code aad} may be null or empty.
     *
     * @throws IllegalArgumentException for an unknown version or a key that is not 16, 24 or 32 bytes
     */
    public static byte[] encryptPayload(int vsn, byte[] key, byte[] msg, byte[] aad) {
        if (vsn < 0 || vsn > MAX_ENCRYPTION_VERSION) {
            throw new IllegalArgumentException("unsupported encryption version " + vsn);
        }
        Keyring.validateKey(key);
        byte[] out = new byte[encryptedLength(vsn, msg.length)];
        out[0] = (byte) vsn;
        byte[] nonce = new byte[NONCE_SIZE];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, VERSION_SIZE, NONCE_SIZE);
        byte[] src = msg;
        if (vsn == 0) {
            src = pkcs7encode(msg);
        }
        Cipher c = CIPHER.get();
        try {
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            if (aad != null && aad.length > 0) {
                c.updateAAD(aad);
            }
            int n = c.doFinal(src, 0, src.length, out, VERSION_SIZE + NONCE_SIZE);
            if (n != out.length - VERSION_SIZE - NONCE_SIZE) {
                throw new IllegalStateException("unexpected GCM output length " + n);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
        return out;
    }

    /**
     * Decrypts with the first key that authenticates.
     *
     * @throws DecodeException when too short, of an unknown version, or no key fits
     */
    public static byte[] decryptPayload(List<byte[]> keys, byte[] msg, byte[] aad) throws DecodeException {
        if (msg.length == 0) {
            throw new DecodeException("cannot decrypt empty payload");
        }
        int vsn = msg[0] & 0xff;
        if (vsn > MAX_ENCRYPTION_VERSION) {
            throw new DecodeException("unsupported encryption version " + vsn);
        }
        if (msg.length < encryptedLength(vsn, 0)) {
            throw new DecodeException("payload is too small to decrypt: " + msg.length);
        }
        if (keys != null) {
            Cipher c = CIPHER.get();
            for (byte[] key : keys) {
                byte[] plain = decryptMessage(c, key, msg, aad);
                if (plain != null) {
                    return vsn == 0 ? pkcs7decode(plain) : plain;
                }
            }
        }
        throw new DecodeException("no installed keys could decrypt the message");
    }

    /** One key's attempt; null when it does not authenticate. */
    private static byte[] decryptMessage(Cipher c, byte[] key, byte[] msg, byte[] aad) {
        try {
            c.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(TAG_BITS, msg, VERSION_SIZE, NONCE_SIZE));
            if (aad != null && aad.length > 0) {
                c.updateAAD(aad);
            }
            int start = VERSION_SIZE + NONCE_SIZE;
            return c.doFinal(msg, start, msg.length - start);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // A key of a bad length, or the like: it cannot decrypt this.
            return null;
        }
    }

    /** Pads to a multiple of 16 with 1-16 bytes, each holding the pad length. */
    static byte[] pkcs7encode(byte[] buf) {
        int more = BLOCK_SIZE - (buf.length % BLOCK_SIZE);
        byte[] out = new byte[buf.length + more];
        System.arraycopy(buf, 0, out, 0, buf.length);
        for (int i = buf.length; i < out.length; i++) {
            out[i] = (byte) more;
        }
        return out;
    }

    /**
     * Strips PKCS#7 padding. Go strips {@code last} bytes unchecked (and panics when that is more
     * than it has); we reject pad lengths outside 1..16 or longer than the buffer.
     */
    static byte[] pkcs7decode(byte[] buf) throws DecodeException {
        if (buf.length == 0) {
            throw new DecodeException("cannot decode a PKCS7 buffer of zero length");
        }
        int last = buf[buf.length - 1] & 0xff;
        if (last < 1 || last > BLOCK_SIZE || last > buf.length) {
            throw new DecodeException("invalid PKCS7 padding length " + last);
        }
        byte[] out = new byte[buf.length - last];
        System.arraycopy(buf, 0, out, 0, out.length);
        return out;
    }
}
