package dev.memberlist.engine.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The AES keys a node encrypts with and accepts (Go's {@code Keyring}). The primary key
 * encrypts everything sent; every key is tried, primary first, to decrypt what arrives.
 * Rotation is operator-driven: {@link #addKey} the new key on every node, {@link #useKey} it
 * everywhere, then {@link #removeKey} the old one.
 *
 * <p>Thread-safe: readers see an immutable snapshot.
 */
public final class Keyring {
    private volatile List<byte[]> keys = List.of();

    private Keyring() {}

    /**
     * A keyring with the given keys and primary key. With no keys and no primary, encryption
     * is off. The primary is added first if it is not among {@code keys}.
     *
     * @throws IllegalArgumentException if a key is not 16, 24 or 32 bytes, or keys are given
     *     without a primary
     */
    public static Keyring create(List<byte[]> keys, byte[] primaryKey) {
        Keyring k = new Keyring();
        if ((keys == null || keys.isEmpty()) && (primaryKey == null || primaryKey.length == 0)) {
            return k;
        }
        if (primaryKey == null || primaryKey.length == 0) {
            throw new IllegalArgumentException("empty primary key not allowed");
        }
        k.addKey(primaryKey);
        if (keys != null) {
            for (byte[] key : keys) {
                k.addKey(key);
            }
        }
        return k;
    }

    /** A keyring whose primary key is the first of {@code keys}. */
    public static Keyring of(byte[]... keys) {
        if (keys.length == 0) {
            return create(List.of(), null);
        }
        return create(Arrays.asList(keys), keys[0]);
    }

    /**
     * Checks that a key has an AES length.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static void validateKey(byte[] key) {
        if (key == null || (key.length != 16 && key.length != 24 && key.length != 32)) {
            throw new IllegalArgumentException(
                    "key size must be 16, 24 or 32 bytes, got " + (key == null ? "none" : String.valueOf(key.length)));
        }
    }

    /** Installs a key for decryption; the first key added becomes primary. Adding a present key does nothing. */
    public synchronized void addKey(byte[] key) {
        validateKey(key);
        if (indexOf(key) >= 0) {
            return;
        }
        List<byte[]> next = new ArrayList<>(keys);
        next.add(key.clone());
        keys = List.copyOf(next);
    }

    /**
     * Makes an installed key the primary.
     *
     * @throws IllegalArgumentException if the key is not installed
     */
    public synchronized void useKey(byte[] key) {
        int i = indexOf(key);
        if (i < 0) {
            throw new IllegalArgumentException("requested key is not in the keyring");
        }
        List<byte[]> next = new ArrayList<>(keys);
        byte[] k = next.remove(i);
        next.add(0, k);
        keys = List.copyOf(next);
    }

    /**
     * Removes a secondary key.
     *
     * @throws IllegalArgumentException if it is the primary key
     */
    public synchronized void removeKey(byte[] key) {
        List<byte[]> current = keys;
        if (!current.isEmpty() && Arrays.equals(current.get(0), key)) {
            throw new IllegalArgumentException("removing the primary key is not allowed");
        }
        int i = indexOf(key);
        if (i < 0) {
            return;
        }
        List<byte[]> next = new ArrayList<>(current);
        next.remove(i);
        keys = List.copyOf(next);
    }

    /** All keys, primary first (copies). */
    public List<byte[]> getKeys() {
        return keys.stream().map(byte[]::clone).toList();
    }

    /** The keys as held, primary first; callers must not modify them. For the hot decrypt path. */
    public List<byte[]> keysUnsafe() {
        return keys;
    }

    /** The primary key, or null when the ring is empty. */
    public byte[] getPrimaryKey() {
        List<byte[]> k = keys;
        return k.isEmpty() ? null : k.get(0).clone();
    }

    /** True when there is at least one key, i.e. encryption is on. */
    public boolean isEmpty() {
        return keys.isEmpty();
    }

    private int indexOf(byte[] key) {
        List<byte[]> k = keys;
        for (int i = 0; i < k.size(); i++) {
            if (Arrays.equals(k.get(i), key)) {
                return i;
            }
        }
        return -1;
    }
}
