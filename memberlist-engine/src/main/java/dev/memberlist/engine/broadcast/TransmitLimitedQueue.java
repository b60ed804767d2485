package dev.memberlist.engine.broadcast;

import dev.memberlist.engine.state.ProtocolMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Broadcasts waiting to be piggybacked, each sent at most
 * {@code retransmitMult * ceil(log10(n + 1))} times (Go's {@code TransmitLimitedQueue}).
 * Fewest transmits go first, then the longest message, then the newest. Thread-safe:
 * applications use their own queues from any thread.
 *
 * <p>{@link Broadcast#finished()} is called after the queue's lock is released, in the order
 * Go calls it, so a callback may use the queue. {@link Broadcast#invalidates} runs under the lock.
 *
 * <p><b>Layout.</b> Go keeps a btree of {@code limitedBroadcast}s and a map of them by name. A
 * node's queue holds an alive message about every member that joined recently, so in a JVM of
 * thousands of nodes the queues hold millions of entries, and an object, a tree node and a map
 * node each came to more than a hundred bytes an entry. Here an entry is a slot in two arrays
 * (its broadcast; its id and the bucket it is in, side by side), its name maps to its slot in an
 * open-addressing table of ints, and the order is kept by {@link Bucket}s: one per (transmits,
 * length), each its entries' slots sorted by id. The btree's order (transmits ascending, length
 * descending, id descending) is then: tiers in order, a tier's buckets by length descending, a
 * bucket's slots from the newest. A gossip packet takes the newest of the longest bucket that
 * fits, at a bucket's end; an entry it sends moves one tier up, usually to an end of its new
 * bucket too. The same entries come out in the same order as from Go's btree.
 *
 * <p>Ids are kept as their low 32 bits and compared by their difference, which is exact while the
 * queue holds no entry 2^31 submissions older than the newest; every 2^30 submissions the queue
 * checks, and renumbers its entries in order if one is half that old (only the ids a test's
 * {@code orderedView} shows change). A {@link NamedBroadcast}'s name must not change while it is
 * queued: the queue finds it by that name, as Go's map does.
 */
public final class TransmitLimitedQueue {
    private static final int MIN_SLOTS = 8;

    private final IntSupplier numNodes;
    private final int retransmitMult;

    private final Object lock = new Object();

    /** How often, in submissions, the ids' age is checked; half the distance that stays exact. */
    private static final long ID_CHECK = 1L << 30;

    // ---- entries, by slot; a free slot has a null broadcast ------------------------------------
    private Broadcast[] bcast = new Broadcast[MIN_SLOTS];
    /**
     * Two ints a slot, side by side, as a packet that moves an entry reads and writes both (one
     * cache line, not two): at {@code 2 * slot}, Go's {@code id} (the submission counter), low 32
     * bits, or for a free slot the next free slot; at {@code 2 * slot + 1}, where the entry is.
     *
     * <p>Where: the bucket holding the entry, as its key: transmits (Go's {@code transmits}) and
     * length when queued (Go's {@code msgLen}), see {@link #key}; 0 while the entry is out to move
     * up a tier. An int rather than the bucket's reference: each packet moves a score of entries,
     * and every reference written into an array this large (one slot per queued broadcast,
     * millions in a JVM of thousands of nodes) dirties a card the young collection must then scan.
     */
    private int[] entries = new int[2 * MIN_SLOTS];

    /** Where-keys ({@link #key}) past this length or transmit count are looked up by a search. */
    private static final int KEY_LEN_MAX = 0xffff;

    private static final int KEY_TRANSMITS_MAX = 0x7ffe;

    private int size;
    /** Slots ever used, from 0; those below it and free are chained from {@link #freeSlot}. */
    private int highSlot;

    private int freeSlot = -1;

    // ---- named entries' slots by name: open addressing, 0 empty, -1 removed ------------------
    /**
     * A named entry is {@code tag << slotBits | (slot + 1)}, the tag being the high bits of its
     * name's hash that the slot leaves room for: a lookup reads an entry's broadcast and name only
     * where the tag matches. A new broadcast's name is not in the table, and at three quarters
     * full its search passes several entries, each of them three cache misses in a queue of
     * thousands (the slot, the broadcast, its name) without the tag.
     */
    private int[] byName = new int[MIN_SLOTS];

    private int namesUsed;
    /** Bits of a {@link #byName} entry that hold the slot + 1; grows with the slot arrays. */
    private int slotBits = MIN_SLOT_BITS;

    private static final int MIN_SLOT_BITS = 20;

    /** Tiers by transmits, ascending; none empty. */
    private final List<Tier> tiers = new ArrayList<>();

    private long idGen;

    /** {@link #getBroadcasts}'s list of entries to move up a tier, reused under the lock. */
    private int[] scratch = new int[3 * 32];

    /**
     * @param numNodes the current cluster size estimate
     * @param retransmitMult the retransmit multiplier
     */
    public TransmitLimitedQueue(IntSupplier numNodes, int retransmitMult) {
        this.numNodes = numNodes;
        this.retransmitMult = retransmitMult;
    }

    /** Queues a broadcast, invalidating what it replaces. */
    public void queueBroadcast(Broadcast b) {
        queueBroadcast(b, 0);
    }

    /** Like {@link #queueBroadcast(Broadcast)} with a chosen initial transmit tier, for tests (as in Go). */
    void queueBroadcast(Broadcast b, int initialTransmits) {
        List<Broadcast> finished = null;
        synchronized (lock) {
            if (idGen == Long.MAX_VALUE) {
                // it's super duper unlikely to wrap around within the retransmit limit
                idGen = 1;
            } else {
                idGen++;
            }
            if (idGen % ID_CHECK == 0 && size > 0) {
                renumberIfOld();
            }
            String name = null;
            boolean unique = false;
            if (b instanceof NamedBroadcast nb) {
                name = nb.name();
            } else if (b instanceof UniqueBroadcast) {
                unique = true;
            }

            if (name != null && !name.isEmpty()) {
                // O(1): a named broadcast replaces its namesake whatever that is
                int old = slotOf(name);
                if (old >= 0) {
                    finished = new ArrayList<>(1);
                    finished.add(bcast[old]);
                    deleteItem(old);
                }
            } else if (!unique && size > 0) {
                // slow path: named and unique broadcasts can only invalidate each other
                List<Integer> remove = new ArrayList<>();
                for (Tier t : tiers) {
                    for (Bucket k : t.buckets) {
                        for (int i = k.size - 1; i >= 0; i--) {
                            int slot = k.get(i);
                            Broadcast cur = bcast[slot];
                            if (cur instanceof NamedBroadcast || cur instanceof UniqueBroadcast) {
                                continue;
                            }
                            if (b.invalidates(cur)) {
                                if (finished == null) {
                                    finished = new ArrayList<>();
                                }
                                finished.add(cur);
                                remove.add(slot);
                            }
                        }
                    }
                }
                for (int slot : remove) {
                    deleteItem(slot);
                }
            }
            addItem(b, name, initialTransmits);
            trim();
        }
        if (finished != null) {
            finish(finished);
        }
    }

    /**
     * Broadcasts that fit in {@code limit} bytes, counting {@code overhead} bytes for each.
     * Each returned broadcast counts one more transmit.
     */
    public List<byte[]> getBroadcasts(int overhead, int limit) {
        List<Broadcast> finished = null;
        List<byte[]> toSend;
        synchronized (lock) {
            if (size == 0) {
                return new ArrayList<>();
            }
            toSend = new ArrayList<>();
            int transmitLimit = ProtocolMath.retransmitLimit(retransmitMult, numNodes.getAsInt());

            int bytesUsed = 0;
            // taken from a tier, back one tier up once the scan is over, as (slot, transmits, length);
            // most packets take a score. The queue's own array, under its lock: one a packet was a
            // good part of what gossip allocated
            int[] reinsert = scratch;
            int nReinsert = 0;

            // Fresher items first, only those that fit: tier by tier, the largest first.
            int ti = 0;
            while (ti < tiers.size()) {
                long free = (long) limit - bytesUsed - overhead;
                if (free <= 0) {
                    break;
                }
                Tier tier = tiers.get(ti);
                // Go's AscendRange([transmits, free, MaxInt64], [transmits+1, MaxInt64, MaxInt64]):
                // the first is the largest message of the tier that fits, the newest among equals
                int keep = -1;
                int keepBucket = -1;
                int keepAt = -1;
                for (int bi = tier.firstAtMost(free); bi < tier.buckets.size() && keep < 0; bi++) {
                    Bucket k = tier.buckets.get(bi);
                    for (int i = k.size - 1; i >= 0; i--) {
                        int slot = k.get(i);
                        // only if message() changed length since queueing, which it must not
                        if (bcast[slot].message().length > free) {
                            continue;
                        }
                        keep = slot;
                        keepBucket = bi;
                        keepAt = i;
                        break;
                    }
                }
                if (keep < 0) {
                    // nothing more of a fitting size in this tier
                    ti++;
                    continue;
                }

                Broadcast kb = bcast[keep];
                byte[] msg = kb.message();
                bytesUsed += overhead + msg.length;
                toSend.add(msg);

                // out of its bucket, found where it is
                int keepLen = tier.buckets.get(keepBucket).len;
                unlinkAt(ti, keepBucket, keepAt);
                if (tier.transmits + 1 >= transmitLimit) {
                    if (finished == null) {
                        finished = new ArrayList<>();
                    }
                    finished.add(kb);
                    freeItem(keep);
                } else {
                    // moving it to the next tier now would let this scan meet it again; it keeps
                    // its slot and name, which nothing reads before it is back
                    if (nReinsert == reinsert.length) {
                        reinsert = scratch = Arrays.copyOf(reinsert, 2 * nReinsert);
                    }
                    reinsert[nReinsert++] = keep;
                    reinsert[nReinsert++] = tier.transmits + 1;
                    reinsert[nReinsert++] = keepLen;
                }
                // the same tier again, or, when it emptied and was removed, the next one at its index
            }
            for (int i = 0; i < nReinsert; i += 3) {
                link(reinsert[i], reinsert[i + 1], reinsert[i + 2]);
            }
            resetIdGenWhenEmpty();
            trim();
        }
        if (finished != null) {
            finish(finished);
        }
        return toSend;
    }

    /** How many broadcasts are queued. */
    public int numQueued() {
        synchronized (lock) {
            return size;
        }
    }

    /** Drops everything, calling {@link Broadcast#finished()} on each. */
    public void reset() {
        List<Broadcast> finished = new ArrayList<>();
        synchronized (lock) {
            for (Tier t : tiers) {
                for (Bucket k : t.buckets) {
                    for (int i = k.size - 1; i >= 0; i--) {
                        finished.add(bcast[k.get(i)]);
                    }
                }
            }
            clear();
            idGen = 0;
        }
        finish(finished);
    }

    /** Keeps at most {@code maxRetain} broadcasts, dropping the most transmitted (then oldest) first. */
    public void prune(int maxRetain) {
        List<Broadcast> finished = new ArrayList<>();
        synchronized (lock) {
            while (size > maxRetain && size > 0) {
                // Go's btree's last: the top tier's shortest bucket's oldest
                Tier t = tiers.get(tiers.size() - 1);
                Bucket k = t.buckets.get(t.buckets.size() - 1);
                int slot = k.get(0);
                finished.add(bcast[slot]);
                deleteItem(slot);
            }
            resetIdGenWhenEmpty();
            trim();
        }
        finish(finished);
    }

    /** Go's {@code orderedView}, for tests: the queue in transmit order, or reversed. */
    List<LimitedBroadcast> orderedView(boolean reverse) {
        synchronized (lock) {
            List<LimitedBroadcast> out = new ArrayList<>(size);
            for (Tier t : tiers) {
                for (Bucket k : t.buckets) {
                    for (int i = k.size - 1; i >= 0; i--) {
                        int slot = k.get(i);
                        LimitedBroadcast lb = new LimitedBroadcast(t.transmits, k.len, idOf(slot), bcast[slot]);
                        lb.name = bcast[slot] instanceof NamedBroadcast nb ? nb.name() : null;
                        out.add(lb);
                    }
                }
            }
            if (reverse) {
                java.util.Collections.reverse(out);
            }
            return out;
        }
    }

    /** The id generator, for tests. */
    long idGen() {
        synchronized (lock) {
            return idGen;
        }
    }

    /** Moves the id generator on, for tests of ids billions of submissions apart. */
    void skipIdsForTest(long to) {
        synchronized (lock) {
            idGen = to;
        }
    }

    // ---- entries ---------------------------------------------------------------------------

    private void addItem(Broadcast b, String name, int initialTransmits) {
        int slot = allocSlot();
        bcast[slot] = b;
        entries[2 * slot] = (int) idGen;
        size++;
        link(slot, initialTransmits, b.message().length);
        if (name != null && !name.isEmpty()) {
            putName(name, slot);
        }
    }

    /** Go's id of an entry, from its low bits: exact while the ids stay within 2^31 (see the class comment). */
    private long idOf(int slot) {
        return idGen - ((int) idGen - entries[2 * slot]);
    }

    private void deleteItem(int slot) {
        unlink(slot);
        freeItem(slot);
    }

    /** Frees the slot of an entry already out of its bucket. */
    private void freeItem(int slot) {
        String name = nameOf(slot);
        if (name != null && !name.isEmpty()) {
            removeName(name, slot);
        }
        bcast[slot] = null;
        entries[2 * slot] = freeSlot;
        freeSlot = slot;
        size--;
    }

    private String nameOf(int slot) {
        return bcast[slot] instanceof NamedBroadcast nb ? nb.name() : null;
    }

    /**
     * Gives back the memory of a queue that shrank: a queue that held thousands of entries in a
     * join storm holds few once they are sent. Only between operations, when every entry is in
     * its bucket.
     */
    private void trim() {
        if (size == 0) {
            if (highSlot > MIN_SLOTS || byName.length > MIN_SLOTS) {
                clear();
            }
        } else if (highSlot > 4 * MIN_SLOTS && size < highSlot / 4) {
            compact();
        }
    }

    private int allocSlot() {
        if (freeSlot >= 0) {
            int s = freeSlot;
            freeSlot = entries[2 * s];
            return s;
        }
        if (highSlot == bcast.length) {
            // by half: at a peak, a doubled array would be mostly empty
            int n = bcast.length + (bcast.length >> 1);
            bcast = Arrays.copyOf(bcast, n);
            entries = Arrays.copyOf(entries, 2 * n);
            // slot + 1 may need more bits: fewer are then left for the tags
            int bits = slotBits;
            while (n >= 1 << slotBits && slotBits < 31) {
                slotBits++;
            }
            if (slotBits != bits) {
                rebuildNames();
            }
        }
        return highSlot++;
    }

    /** Empties the queue, and lets go of grown arrays. */
    private void clear() {
        bcast = new Broadcast[MIN_SLOTS];
        entries = new int[2 * MIN_SLOTS];
        byName = new int[MIN_SLOTS];
        namesUsed = 0;
        slotBits = MIN_SLOT_BITS;
        size = 0;
        highSlot = 0;
        freeSlot = -1;
        tiers.clear();
    }

    /** Renumbers the slots densely into arrays sized for what is left. */
    private void compact() {
        int n = Math.max(MIN_SLOTS, size + (size >> 1));
        Broadcast[] nb = new Broadcast[n];
        int[] ne = new int[2 * n];
        int next = 0;
        for (Tier t : tiers) {
            for (Bucket k : t.buckets) {
                for (int i = 0; i < k.size; i++) {
                    int slot = k.get(i);
                    nb[next] = bcast[slot];
                    ne[2 * next] = entries[2 * slot];
                    ne[2 * next + 1] = key(k.transmits, k.len);
                    k.set(i, next);
                    next++;
                }
                k.shrink();
            }
        }
        bcast = nb;
        entries = ne;
        highSlot = next;
        freeSlot = -1;
        rebuildNames();
    }

    /**
     * Gives the entries new ids in the order they have, ending at the newest, when the oldest is
     * 2^30 submissions old: past 2^31 their low bits would no longer order them.
     */
    private void renumberIfOld() {
        List<int[]> live = new ArrayList<>(size);
        boolean old = false;
        for (int s = 0; s < highSlot; s++) {
            if (bcast[s] != null) {
                int age = (int) idGen - entries[2 * s];
                live.add(new int[] {s, age});
                old |= age >= ID_CHECK || age < 0;
            }
        }
        if (!old) {
            return;
        }
        live.sort((a, b) -> Integer.compare(b[1], a[1]));
        for (int i = 0; i < live.size(); i++) {
            entries[2 * live.get(i)[0]] = (int) idGen - (live.size() - i);
        }
    }

    // ---- order: tiers of buckets -----------------------------------------------------------

    /** Puts a slot into its (transmits, length) bucket. */
    private void link(int slot, int transmits, int len) {
        int ti = tierIndex(transmits);
        Tier t;
        if (ti >= 0) {
            t = tiers.get(ti);
        } else {
            t = new Tier(transmits);
            tiers.add(-ti - 1, t);
        }
        Bucket k = t.bucketFor(len);
        k.insert(slot, entries);
        entries[2 * slot + 1] = key(transmits, len);
    }

    /** Takes a slot out of its bucket, and the bucket and tier out when they empty. */
    private void unlink(int slot) {
        Bucket k = bucketOf(slot);
        entries[2 * slot + 1] = 0;
        k.remove(slot, entries);
        int ti = tierIndex(k.transmits);
        dropIfEmpty(ti, tiers.get(ti).indexOf(k.len));
    }

    /** Where an entry is ({@link #entries}): transmits + 1 above, length below; -1 when either is out of range. */
    private static int key(int transmits, int len) {
        if (transmits < 0 || transmits > KEY_TRANSMITS_MAX || len < 0 || len >= KEY_LEN_MAX) {
            return -1;
        }
        return (transmits + 1) << 16 | len;
    }

    /** The bucket of a linked entry, from its key, or by a search when the key could not say. */
    private Bucket bucketOf(int slot) {
        int w = entries[2 * slot + 1];
        if (w != -1) {
            Tier t = tiers.get(tierIndex((w >>> 16) - 1));
            return t.buckets.get(t.indexOf(w & 0xffff));
        }
        for (Tier t : tiers) {
            for (Bucket k : t.buckets) {
                for (int i = 0; i < k.size; i++) {
                    if (k.get(i) == slot) {
                        return k;
                    }
                }
            }
        }
        throw new IllegalStateException("queued entry " + slot + " in no bucket");
    }

    /** Takes the {@code at}-th slot of tier {@code ti}'s bucket {@code bi} out. */
    private void unlinkAt(int ti, int bi, int at) {
        Bucket k = tiers.get(ti).buckets.get(bi);
        entries[2 * k.get(at) + 1] = 0;
        k.removeAt(at);
        dropIfEmpty(ti, bi);
    }

    private void dropIfEmpty(int ti, int bi) {
        Tier t = tiers.get(ti);
        if (t.buckets.get(bi).size == 0) {
            t.buckets.remove(bi);
            if (t.buckets.isEmpty()) {
                tiers.remove(ti);
            }
        }
    }

    private int tierIndex(int tx) {
        int lo = 0;
        int hi = tiers.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int v = tiers.get(mid).transmits;
            if (v < tx) {
                lo = mid + 1;
            } else if (v > tx) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** The entries of one transmit count, by message length descending. */
    private static final class Tier {
        final int transmits;
        final List<Bucket> buckets = new ArrayList<>(4);

        Tier(int transmits) {
            this.transmits = transmits;
        }

        /** Index of the bucket of this length, or -(insertion point) - 1. */
        int indexOf(int len) {
            int lo = 0;
            int hi = buckets.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int v = buckets.get(mid).len;
                if (v > len) {
                    lo = mid + 1;
                } else if (v < len) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -(lo + 1);
        }

        /** Index of the longest bucket no longer than {@code max}. */
        int firstAtMost(long max) {
            if (max >= Integer.MAX_VALUE) {
                return 0;
            }
            int i = indexOf((int) max);
            return i >= 0 ? i : -i - 1;
        }

        Bucket bucketFor(int len) {
            int i = indexOf(len);
            if (i >= 0) {
                return buckets.get(i);
            }
            Bucket k = new Bucket(transmits, len);
            buckets.add(-i - 1, k);
            return k;
        }
    }

    /**
     * The slots of one (transmits, length), sorted by id ascending, in a ring: the newest at the
     * end, where the next packet takes from and a newly queued broadcast goes; an entry coming
     * from the tier below goes to either end, nearly always, or is shifted in from the nearer one.
     */
    private static final class Bucket {
        final int transmits;
        final int len;
        int[] ring = new int[4];
        int head;
        int size;

        Bucket(int transmits, int len) {
            this.transmits = transmits;
            this.len = len;
        }

        /** The i-th slot in id order. */
        int get(int i) {
            return ring[(head + i) & (ring.length - 1)];
        }

        void set(int i, int slot) {
            ring[(head + i) & (ring.length - 1)] = slot;
        }

        /**
         * Where a slot of this id goes (or is), in id order; ids compare by their difference.
         *
         * @param entries the queue's {@link #entries}, a slot's id at twice its index
         */
        private int position(int id, int[] entries) {
            int lo = 0;
            int hi = size - 1;
            // the common cases first: at either end
            if (size == 0 || entries[2 * get(hi)] - id < 0) {
                return size;
            }
            if (entries[2 * get(0)] - id >= 0) {
                return 0;
            }
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int d = entries[2 * get(mid)] - id;
                if (d < 0) {
                    lo = mid + 1;
                } else if (d > 0) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return lo;
        }

        void insert(int slot, int[] entries) {
            if (size == ring.length) {
                grow(ring.length * 2);
            }
            int pos = position(entries[2 * slot], entries);
            int mask = ring.length - 1;
            if (pos >= size - pos) {
                // shift the tail right by one
                for (int i = size; i > pos; i--) {
                    ring[(head + i) & mask] = ring[(head + i - 1) & mask];
                }
            } else {
                // shift the head left by one
                head = (head - 1) & mask;
                for (int i = 0; i < pos; i++) {
                    ring[(head + i) & mask] = ring[(head + i + 1) & mask];
                }
            }
            ring[(head + pos) & mask] = slot;
            size++;
        }

        void remove(int slot, int[] entries) {
            int mask = ring.length - 1;
            // the common cases first: the newest, as a packet takes it, or the oldest
            int pos = ring[(head + size - 1) & mask] == slot
                    ? size - 1
                    : ring[head] == slot ? 0 : position(entries[2 * slot], entries);
            if (pos >= size || ring[(head + pos) & mask] != slot) {
                throw new IllegalStateException("queue entry not in its bucket");
            }
            removeAt(pos);
        }

        /** Removes the {@code pos}-th slot in id order, shifting the nearer end in. */
        void removeAt(int pos) {
            int mask = ring.length - 1;
            if (pos >= size - 1 - pos) {
                for (int i = pos; i < size - 1; i++) {
                    ring[(head + i) & mask] = ring[(head + i + 1) & mask];
                }
            } else {
                for (int i = pos; i > 0; i--) {
                    ring[(head + i) & mask] = ring[(head + i - 1) & mask];
                }
                head = (head + 1) & mask;
            }
            size--;
            if (ring.length > 16 && size < ring.length / 4) {
                grow(ring.length / 2);
            }
        }

        void shrink() {
            int n = 4;
            while (n < size) {
                n <<= 1;
            }
            if (n < ring.length) {
                grow(n);
            }
        }

        private void grow(int capacity) {
            int[] r = new int[capacity];
            for (int i = 0; i < size; i++) {
                r[i] = get(i);
            }
            ring = r;
            head = 0;
        }
    }

    // ---- names -----------------------------------------------------------------------------

    /** The slot of the named entry, or -1. */
    private int slotOf(String name) {
        int[] t = byName;
        int mask = t.length - 1;
        int h = nameHash(name);
        int tag = tag(h);
        int bits = slotBits;
        int slotMask = (1 << bits) - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            int v = t[i];
            if (v == 0) {
                return -1;
            }
            if (v > 0 && v >>> bits == tag && name.equals(nameOf((v & slotMask) - 1))) {
                return (v & slotMask) - 1;
            }
        }
    }

    private void putName(String name, int slot) {
        if (4 * (namesUsed + 1) > 3 * byName.length) {
            rebuildNames();
        }
        int[] t = byName;
        int mask = t.length - 1;
        int h = nameHash(name);
        int i = h & mask;
        while (t[i] > 0) {
            i = (i + 1) & mask;
        }
        if (t[i] == 0) {
            namesUsed++;
        }
        t[i] = nameEntry(h, slot);
    }

    private void removeName(String name, int slot) {
        int[] t = byName;
        int mask = t.length - 1;
        int h = nameHash(name);
        int entry = nameEntry(h, slot);
        for (int i = h & mask; ; i = (i + 1) & mask) {
            int v = t[i];
            if (v == 0) {
                return;
            }
            if (v == entry) {
                t[i] = -1;
                return;
            }
        }
    }

    /** A {@link #byName} entry: the tag of the name's hash above the slot + 1. */
    private int nameEntry(int hash, int slot) {
        return tag(hash) << slotBits | (slot + 1);
    }

    /**
     * The bits of a name's hash that a {@link #byName} entry keeps: the high ones, as the low ones
     * choose its position; none once the slots need all 31 bits.
     */
    private int tag(int hash) {
        return slotBits == 31 ? 0 : hash >>> (32 - (31 - slotBits));
    }

    /** A table for the named entries at most half full, without removed marks. */
    private void rebuildNames() {
        int named = 0;
        for (int s = 0; s < highSlot; s++) {
            String name = bcast[s] != null ? nameOf(s) : null;
            if (name != null && !name.isEmpty()) {
                named++;
            }
        }
        int n = MIN_SLOTS;
        while (n < 2 * (named + 1)) {
            n <<= 1;
        }
        int[] t = new int[n];
        int mask = n - 1;
        for (int s = 0; s < highSlot; s++) {
            String name = bcast[s] != null ? nameOf(s) : null;
            if (name != null && !name.isEmpty()) {
                int h = nameHash(name);
                int i = h & mask;
                while (t[i] != 0) {
                    i = (i + 1) & mask;
                }
                t[i] = nameEntry(h, s);
            }
        }
        byName = t;
        namesUsed = named;
    }

    private static int nameHash(String name) {
        int h = name.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * At idle there's no reason to let the id generator keep going. Unlike Go, which resets it
     * inside {@code deleteItem}, this runs only when the operation is over: Go can reset while a
     * broadcast is out for re-insertion or replacement, hand its id out again, and then two
     * broadcasts of the same tier and length share a key and one is silently lost.
     */
    private void resetIdGenWhenEmpty() {
        if (size == 0) {
            idGen = 0;
        }
    }

    private static void finish(List<Broadcast> finished) {
        for (Broadcast b : finished) {
            b.finished();
        }
    }

    /** One queued broadcast: Go's {@code limitedBroadcast}. */
    static final class LimitedBroadcast {
        /** Go's {@code Less}: transmits ascending, then length descending, then id descending. */
        static final java.util.Comparator<LimitedBroadcast> ORDER = (a, o) -> {
            if (a.transmits != o.transmits) {
                return Integer.compare(a.transmits, o.transmits);
            }
            if (a.msgLen != o.msgLen) {
                return Long.compare(o.msgLen, a.msgLen);
            }
            return Long.compare(o.id, a.id);
        };

        /** Key 0: transmissions so far. */
        int transmits;
        /** Key 1: the message length when queued. */
        final long msgLen;
        /** Key 2: the submission counter. */
        final long id;

        final Broadcast b;
        /** Set for a {@link NamedBroadcast}. */
        String name;

        LimitedBroadcast(int transmits, long msgLen, long id, Broadcast b) {
            this.transmits = transmits;
            this.msgLen = msgLen;
            this.id = id;
            this.b = b;
        }

        /** A search key that sorts before every entry of the tier no longer than {@code msgLen}. */
        static LimitedBroadcast pivot(int transmits, long msgLen) {
            return new LimitedBroadcast(transmits, msgLen, Long.MAX_VALUE, null);
        }

        /** Go's {@code Less}. */
        boolean less(LimitedBroadcast than) {
            return ORDER.compare(this, than) < 0;
        }

        LimitedBroadcast copy() {
            LimitedBroadcast c = new LimitedBroadcast(transmits, msgLen, id, b);
            c.name = name;
            return c;
        }

        @Override
        public String toString() {
            return "[transmits=" + transmits + " len=" + msgLen + " id=" + id + (name == null ? "" : " name=" + name)
                    + "]";
        }
    }
}
