package dev.memberlist.engine.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Node names as decoded from the wire, one {@link String#intern() interned} instance per name.
 *
 * <p>Every gossip packet carries a score of messages about nodes, each with its node's name, and
 * the receiver looks every one up in its node table. Decoding a name into a new String each time
 * allocated it only to hash it, compare it byte by byte and drop it. Here the bytes are looked
 * up in a small direct-mapped cache of names seen before, which hands back the interned string:
 * no allocation, and the node table's comparison then succeeds on identity.
 *
 * <p>Shared by all threads without locks: a slot holds an immutable {@link Entry} (final fields,
 * so a racy read sees it whole or not at all), and two threads writing the same slot only
 * replace one correct entry with another. A miss (a name not seen, or evicted by one with the
 * same slot) costs what decoding did before, plus {@link String#intern()}.
 */
final class Names {
    /** Slots, a power of two: room for the names of a cluster of tens of thousands. */
    private static final int SLOT_BITS = 16;

    private static final int SLOTS = 1 << SLOT_BITS;

    /** Longer names are rare and not cached. */
    static final int MAX_CACHED = 64;

    private static final Entry[] CACHE = new Entry[SLOTS];

    /**
     * A cached name: its length and first 15 bytes packed into two longs beside its string, so
     * that a name of up to 15 bytes is matched without reading its byte array (a cache miss in a JVM that
     * reads millions of names a second); the array only for the rest of a longer one.
     */
    record Entry(byte[] utf8, String name, long head0, long head1, int hash) {}

    private Names() {}

    /**
     * The entry names {@code buf[off, off + len)}, whose length and first 15 bytes are {@code head0} and
     * {@code head1}. A plain loop past them: names are a few bytes, too short for a vectorized
     * comparison to pay off.
     */
    private static boolean same(Entry e, byte[] buf, int off, int len, long head0, long head1) {
        if (e.head0 != head0 || e.head1 != head1) {
            return false;
        }
        if (len <= HEAD) {
            // the heads hold the length (under 256: names this long are not cached) and every byte
            return true;
        }
        byte[] a = e.utf8;
        for (int i = HEAD; i < len; i++) {
            if (a[i] != buf[off + i]) {
                return false;
            }
        }
        return true;
    }

    /** Bytes of a name packed into an entry's two longs, beside its length. */
    static final int HEAD = 15;

    /** The interned string of the UTF-8 bytes {@code buf[off, off + len)}. */
    static String of(byte[] buf, int off, int len) {
        return entry(buf, off, len).name();
    }

    /**
     * The interned string of the UTF-8 bytes {@code buf[off, off + len)}, with its {@link
     * String#hashCode()}: a node table looks the name up by it, and reading it from the string
     * would be one more cache miss a message.
     */
    static Entry entry(byte[] buf, int off, int len) {
        if (len > MAX_CACHED) {
            String name = new String(buf, off, len, StandardCharsets.UTF_8).intern();
            return new Entry(null, name, 0, 0, name.hashCode());
        }
        int h = 0;
        long head0 = len;
        long head1 = 0;
        for (int i = 0; i < len; i++) {
            byte b = buf[off + i];
            h = 31 * h + b;
            if (i < 7) {
                head0 |= (b & 0xffL) << (8 * (i + 1));
            } else if (i < HEAD) {
                head1 |= (b & 0xffL) << (8 * (i - 7));
            }
        }
        return entry(buf, off, len, h, head0, head1);
    }

    /**
     * {@link #entry(byte[], int, int)} for a reader that hashed and packed the name's bytes as it
     * read them: {@code h} over the signed bytes, {@code head0} and {@code head1} as {@link Entry}
     * keeps them.
     */
    static Entry entry(byte[] buf, int off, int len, int h, long head0, long head1) {
        if (len > MAX_CACHED) {
            String name = new String(buf, off, len, StandardCharsets.UTF_8).intern();
            return new Entry(null, name, 0, 0, name.hashCode());
        }
        // Fibonacci hashing: names that differ in a digit or two ("n-4711", "n-4712") spread out,
        // where the low bits of their String hash (6,229 of 10,000 such names shared a slot) did not
        int slot = (h * 0x9E3779B9) >>> (32 - SLOT_BITS);
        // two ways, side by side: a name that meets another in its slot takes the neighbour
        Entry e = CACHE[slot];
        if (e != null && same(e, buf, off, len, head0, head1)) {
            return e;
        }
        Entry f = CACHE[slot ^ 1];
        if (f != null && same(f, buf, off, len, head0, head1)) {
            return f;
        }
        byte[] utf8 = Arrays.copyOfRange(buf, off, off + len);
        String name = new String(utf8, StandardCharsets.UTF_8).intern();
        Entry n = new Entry(utf8, name, head0, head1, name.hashCode());
        CACHE[e == null || f != null ? slot : slot ^ 1] = n;
        return n;
    }
}
