package dev.memberlist.engine;

import dev.memberlist.engine.wire.AliveView;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every known node by name (Go's {@code nodeMap}): an open-addressing table of immutable
 * {@link NodeRecord}s, keyed by their names, changed on the strand only and read from any thread
 * without locks; and beside each record, when its holder saw its state change (Go's {@code
 * StateChange}), which only the strand reads.
 *
 * <p>A node holds a record of every member, so at thousands of members per JVM (a simulation, a
 * peer of many nodes) this table is most of the heap and its lookups most of the cache misses:
 * every alive message received is looked up here. One slot is one reference, the record, which
 * carries its own name, 16 bits of its name's hash, and 32 bits of its time of change: ten bytes;
 * no entry objects, no boxed keys. A lookup walks the hashes, which lie side by side, and reads a
 * record only where the hash matches: a table of ten thousand members does not fit in a cache,
 * and comparing the names of the records passed on the way (record, string, bytes: three misses
 * each) was most of a lookup's time, most of all for a name not in the table. Where the hash
 * matches, an interned name (what the decoder hands out) then compares identities. The time of
 * change lives here rather than in the record because it is the holder's own, while the record
 * can be shared by every holder in the JVM ({@link NodeRecord#alive}).
 *
 * <p><b>Concurrency.</b> The strand is the only writer. A record is immutable (final fields), so
 * whoever reads a slot sees a record whole; slots are written with release and read with acquire
 * semantics, so a reader also sees what the strand wrote before. Changing a node replaces its
 * record in its slot, removing one leaves a tombstone (readers walk past it, so a concurrent
 * lookup of a node further along the probe sequence never misses it), and growing or cleaning up
 * builds new arrays and publishes them together through a volatile field. A reader that started
 * on the old arrays sees the table as it was when it started: never a torn or partial state. A
 * slot's hash is written before its record is released; a reader that reads a hash that does not
 * belong to the record it then sees only compares one more name (or skips a node being put as
 * it reads, as if it had read before).
 */
final class NodeMap {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(NodeRecord[].class);

    /** A removed entry: lookups continue past it, inserts may reuse it. */
    private static final NodeRecord TOMBSTONE = NodeRecord.tombstone();

    private static final int MIN_CAPACITY = 16;

    /**
     * The records and 16 bits of their names' hashes ({@link #tag}), published together: half
     * the memory of whole hashes (a slot of every member in every node), and a record read in
     * vain only once in 65,536 slots passed.
     */
    private record Table(NodeRecord[] records, short[] hashes) {
        Table(int capacity) {
            this(new NodeRecord[capacity], new short[capacity]);
        }
    }

    private volatile Table table = new Table(MIN_CAPACITY);
    /**
     * {@code changes[i]} is when {@code records[i]}'s state changed, in units of 2^16 ns (65.5
     * microseconds), the low 32 bits (see {@link #stateChange}). Strand only.
     */
    private int[] changes = new int[MIN_CAPACITY];

    /** A time of change is kept in units of {@code 1 << CHANGE_SHIFT} nanoseconds. */
    private static final int CHANGE_SHIFT = 16;

    /**
     * Longest time from a change to when it is read that the table tells exactly (to a unit):
     * 2^31 units, 39 hours. Only an alive node's time of change gets older, and an alive node's is
     * only carried forward, which keeps its bits; suspect, dead and left nodes are read within
     * their timeouts ({@link Config#validate} keeps {@code gossipToTheDeadTime} below this).
     */
    static final Duration CHANGE_SPAN = Duration.ofNanos((1L << 31) << CHANGE_SHIFT);
    /** Live entries. Strand only (read anywhere as an estimate). */
    private volatile int size;
    /** Live entries plus tombstones. Strand only. */
    private int used;

    /** The record of the named node, or null. Any thread. */
    NodeRecord get(String name) {
        return get(name, name.hashCode());
    }

    /**
     * {@link #get(String)} for a name whose {@link String#hashCode()} the caller knows (a decoder
     * has it without reading the string, one more cache miss). Any thread.
     */
    NodeRecord get(String name, int h) {
        return lookup(h, name, null);
    }

    /**
     * The record of the node an alive message's view is about, or null, found by the name's bytes:
     * the view's name string is one or two more cache misses (the name cache, its entry) a message,
     * and every gossip packet brings a score. A name that is not ASCII goes by its string. Any
     * thread.
     */
    NodeRecord get(AliveView v) {
        return v.nameAscii() ? lookup(v.nodeHash(), null, v) : get(v.node(), v.nodeHash());
    }

    /**
     * The walk of both lookups: by {@code name} (interned, or compared by its bytes), or, when
     * {@code v} is given, by the view's packed name ({@link NodeRecord#isOf}).
     */
    private NodeRecord lookup(int h, String name, AliveView v) {
        Table tb = table;
        NodeRecord[] t = tb.records;
        int mask = t.length - 1;
        int home = slot(h, mask);
        // Most lookups are of a member in its home slot by its interned name (every alive message
        // received is one): the slot and the record, which every holder of the member shares and
        // a cache holds, answer it without reading the hashes, a second miss in a table of thousands
        NodeRecord first = (NodeRecord) SLOT.getAcquire(t, home);
        if (first == null) {
            return null;
        }
        if (first != TOMBSTONE && (v != null ? first.isOf(v) : first.name == name)) {
            return first;
        }
        short[] hashes = tb.hashes;
        short tag = tag(h);
        for (int i = home; ; i = (i + 1) & mask) {
            if (hashes[i] == tag) {
                NodeRecord r = (NodeRecord) SLOT.getAcquire(t, i);
                if (r == null) {
                    return null;
                }
                if (r != TOMBSTONE && (v != null ? r.isOf(v) : r.name == name || r.name.equals(name))) {
                    return r;
                }
            } else if (SLOT.getAcquire(t, i) == null) {
                return null;
            }
        }
    }

    /**
     * When the named node's state last changed, as its holder saw it, to 65.5 microseconds
     * (rounded down; two changes of one node are never that close, as they wait on the network);
     * 0 when unknown. A table of ten thousand members in each of thousands of nodes in one JVM made
     * a {@code long} a slot 1.3 GB of heap: a slot keeps the low 32 bits of a count of those
     * units, which give back the time exactly while it lies within {@link #CHANGE_SPAN} of {@code
     * now}. Strand.
     *
     * @param now the strand's clock
     */
    long stateChange(String name, long now) {
        int i = find(name);
        if (i < 0) {
            return 0;
        }
        long nowUnits = now >> CHANGE_SHIFT;
        // the distance in units, exact within 2^31 either way; the subtraction wraps as the bits do
        int age = (int) nowUnits - changes[i];
        return (nowUnits - age) << CHANGE_SHIFT;
    }

    /** The slot of the named node, or -1. Strand. */
    private int find(String name) {
        Table tb = table;
        NodeRecord[] t = tb.records;
        short[] hashes = tb.hashes;
        int mask = t.length - 1;
        int h = name.hashCode();
        short tag = tag(h);
        for (int i = slot(h, mask); ; i = (i + 1) & mask) {
            NodeRecord r = t[i];
            if (r == null) {
                return -1;
            }
            if (hashes[i] == tag && r != TOMBSTONE && (r.name == name || r.name.equals(name))) {
                return i;
            }
        }
    }

    /** True when the named node is in the table. Any thread. */
    boolean containsKey(String name) {
        return get(name) != null;
    }

    /** How many nodes. Any thread. */
    int size() {
        return size;
    }

    /** Puts a record and the time its state changed, replacing the one of the same name. Strand. */
    void put(NodeRecord r, long stateChange) {
        Table tb = table;
        NodeRecord[] t = tb.records;
        short[] hashes = tb.hashes;
        int mask = t.length - 1;
        int h = r.name.hashCode();
        short tag = tag(h);
        int free = -1;
        for (int i = slot(h, mask); ; i = (i + 1) & mask) {
            NodeRecord cur = t[i];
            if (cur == null) {
                if (free < 0) {
                    free = i;
                    used++;
                }
                changes[free] = (int) (stateChange >> CHANGE_SHIFT);
                hashes[free] = tag;
                SLOT.setRelease(t, free, r);
                size = size + 1;
                if (used > t.length - (t.length >>> 2)) {
                    rebuild();
                }
                return;
            }
            if (cur == TOMBSTONE) {
                if (free < 0) {
                    free = i;
                }
            } else if (hashes[i] == tag && (cur.name == r.name || cur.name.equals(r.name))) {
                changes[i] = (int) (stateChange >> CHANGE_SHIFT);
                SLOT.setRelease(t, i, r);
                return;
            }
        }
    }

    /** Removes the named node; returns its record, or null. Strand. */
    NodeRecord remove(String name) {
        int i = find(name);
        if (i < 0) {
            return null;
        }
        NodeRecord[] t = table.records;
        NodeRecord cur = t[i];
        SLOT.setRelease(t, i, TOMBSTONE);
        size = size - 1;
        return cur;
    }

    /** Every record, in table order. Any thread. */
    List<NodeRecord> values() {
        NodeRecord[] t = table.records;
        List<NodeRecord> out = new ArrayList<>(size);
        for (int i = 0; i < t.length; i++) {
            NodeRecord r = (NodeRecord) SLOT.getAcquire(t, i);
            if (r != null && r != TOMBSTONE) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * A new array for the live entries, at most half full, without tombstones, published whole.
     * Strand.
     */
    private void rebuild() {
        Table oldTable = table;
        NodeRecord[] old = oldTable.records;
        int capacity = MIN_CAPACITY;
        while (capacity < 2 * size) {
            capacity <<= 1;
        }
        Table nt = new Table(capacity);
        NodeRecord[] t = nt.records;
        int[] c = new int[capacity];
        int mask = capacity - 1;
        for (int j = 0; j < old.length; j++) {
            NodeRecord r = old[j];
            if (r != null && r != TOMBSTONE) {
                int h = r.name.hashCode();
                int i = slot(h, mask);
                while (t[i] != null) {
                    i = (i + 1) & mask;
                }
                t[i] = r;
                nt.hashes[i] = tag(h);
                c[i] = changes[j];
            }
        }
        used = size;
        changes = c;
        // the volatile write publishes the filled arrays
        table = nt;
    }

    /** The 16 bits of a name's hash kept beside its record: both halves, as names differ in either. */
    private static short tag(int hash) {
        return (short) (hash ^ (hash >>> 16));
    }

    /** Fibonacci hashing of a name's (cached) hash: names that differ in their last letter spread out. */
    private static int slot(int hash, int mask) {
        int h = hash * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
