package dev.memberlist.engine.broadcast;

import dev.memberlist.engine.state.ProtocolMath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.IntSupplier;

/**
 * The queue as it was, on a btree ({@link TreeSet}) and a map of entries, as Go's is: the
 * reference that {@link TransmitLimitedQueueModelTest} holds the compact queue to.
 */
final class BtreeQueue {
    private final IntSupplier numNodes;
    private final int retransmitMult;

    private final Object lock = new Object();
    /** Go's btree, ordered by {@link TransmitLimitedQueue.LimitedBroadcast#ORDER}. */
    private final TreeSet<TransmitLimitedQueue.LimitedBroadcast> tq =
            new TreeSet<>(TransmitLimitedQueue.LimitedBroadcast.ORDER);
    /** Queued named broadcasts by name. */
    private final Map<String, TransmitLimitedQueue.LimitedBroadcast> tm = new HashMap<>();

    private long idGen;

    /**
     * @param numNodes the current cluster size estimate
     * @param retransmitMult the retransmit multiplier
     */
    BtreeQueue(IntSupplier numNodes, int retransmitMult) {
        this.numNodes = numNodes;
        this.retransmitMult = retransmitMult;
    }

    /** Queues a broadcast, invalidating what it replaces. */
    public void queueBroadcast(Broadcast b) {
        queueBroadcast(b, 0);
    }

    /** Like {@link #queueBroadcast(Broadcast)} with a chosen initial transmit tier, for tests (as in Go). */
    void queueBroadcast(Broadcast b, int initialTransmits) {
        List<Broadcast> finished = new ArrayList<>();
        synchronized (lock) {
            if (idGen == Long.MAX_VALUE) {
                // it's super duper unlikely to wrap around within the retransmit limit
                idGen = 1;
            } else {
                idGen++;
            }
            TransmitLimitedQueue.LimitedBroadcast lb =
                    new TransmitLimitedQueue.LimitedBroadcast(initialTransmits, b.message().length, idGen, b);
            boolean unique = false;
            if (b instanceof NamedBroadcast nb) {
                lb.name = nb.name();
            } else if (b instanceof UniqueBroadcast) {
                unique = true;
            }

            if (lb.name != null && !lb.name.isEmpty()) {
                // O(1): a named broadcast replaces its namesake whatever that is
                TransmitLimitedQueue.LimitedBroadcast old = tm.get(lb.name);
                if (old != null) {
                    finished.add(old.b);
                    deleteItem(old);
                }
            } else if (!unique) {
                // slow path: named and unique broadcasts can only invalidate each other
                List<TransmitLimitedQueue.LimitedBroadcast> remove = new ArrayList<>();
                for (TransmitLimitedQueue.LimitedBroadcast cur : tq) {
                    if (cur.b instanceof NamedBroadcast || cur.b instanceof UniqueBroadcast) {
                        continue;
                    }
                    if (b.invalidates(cur.b)) {
                        finished.add(cur.b);
                        remove.add(cur);
                    }
                }
                for (TransmitLimitedQueue.LimitedBroadcast cur : remove) {
                    deleteItem(cur);
                }
            }
            addItem(lb);
        }
        finish(finished);
    }

    /**
     * Broadcasts that fit in {@code limit} bytes, counting {@code overhead} bytes for each.
     * Each returned broadcast counts one more transmit.
     */
    public List<byte[]> getBroadcasts(int overhead, int limit) {
        List<byte[]> toSend = new ArrayList<>();
        List<Broadcast> finished = new ArrayList<>();
        synchronized (lock) {
            if (tq.isEmpty()) {
                return toSend;
            }
            int transmitLimit = ProtocolMath.retransmitLimit(retransmitMult, numNodes.getAsInt());

            int bytesUsed = 0;
            List<TransmitLimitedQueue.LimitedBroadcast> reinsert = new ArrayList<>();

            // Fresher items first, only those that fit: tier by tier, the largest first.
            int minTr = tq.first().transmits;
            int maxTr = tq.last().transmits;
            for (int transmits = minTr; transmits <= maxTr; ) {
                long free = (long) limit - bytesUsed - overhead;
                if (free <= 0) {
                    break;
                }
                // Go's AscendRange([transmits, free, MaxInt64], [transmits+1, MaxInt64, MaxInt64]):
                // the first is the largest message of the tier that fits, the newest among equals.
                // Walked with ceiling/higher: a subSet view and its iterator per tier were a
                // fifth of what a gossip round allocated.
                TransmitLimitedQueue.LimitedBroadcast keep = null;
                for (TransmitLimitedQueue.LimitedBroadcast cur =
                                tq.ceiling(TransmitLimitedQueue.LimitedBroadcast.pivot(transmits, free));
                        cur != null && cur.transmits == transmits;
                        cur = tq.higher(cur)) {
                    // only if message() changed length since queueing, which it must not
                    if (cur.b.message().length > free) {
                        continue;
                    }
                    keep = cur;
                    break;
                }
                if (keep == null) {
                    // nothing more of a fitting size in this tier
                    transmits++;
                    continue;
                }

                byte[] msg = keep.b.message();
                bytesUsed += overhead + msg.length;
                toSend.add(msg);

                if (keep.transmits + 1 >= transmitLimit) {
                    deleteItem(keep);
                    finished.add(keep.b);
                } else {
                    // moving it to the next tier now would let this scan meet it again; it stays
                    // in the name index, which nothing reads before it is back
                    tq.remove(keep);
                    keep.transmits++;
                    reinsert.add(keep);
                }
            }
            for (TransmitLimitedQueue.LimitedBroadcast cur : reinsert) {
                if (!tq.add(cur)) {
                    throw new IllegalStateException("duplicate queue key " + cur);
                }
            }
            resetIdGenWhenEmpty();
        }
        finish(finished);
        return toSend;
    }

    /** How many broadcasts are queued. */
    public int numQueued() {
        synchronized (lock) {
            return tq.size();
        }
    }

    /** Drops everything, calling {@link Broadcast#finished()} on each. */
    public void reset() {
        List<Broadcast> finished = new ArrayList<>();
        synchronized (lock) {
            for (TransmitLimitedQueue.LimitedBroadcast cur : tq) {
                finished.add(cur.b);
            }
            tq.clear();
            tm.clear();
            idGen = 0;
        }
        finish(finished);
    }

    /** Keeps at most {@code maxRetain} broadcasts, dropping the most transmitted (then oldest) first. */
    public void prune(int maxRetain) {
        List<Broadcast> finished = new ArrayList<>();
        synchronized (lock) {
            while (tq.size() > maxRetain && !tq.isEmpty()) {
                TransmitLimitedQueue.LimitedBroadcast cur = tq.last();
                finished.add(cur.b);
                deleteItem(cur);
            }
            resetIdGenWhenEmpty();
        }
        finish(finished);
    }

    /** Go's {@code orderedView}, for tests: the queue in transmit order, or reversed. */
    List<TransmitLimitedQueue.LimitedBroadcast> orderedView(boolean reverse) {
        synchronized (lock) {
            NavigableSet<TransmitLimitedQueue.LimitedBroadcast> view = reverse ? tq.descendingSet() : tq;
            List<TransmitLimitedQueue.LimitedBroadcast> out = new ArrayList<>(view.size());
            for (TransmitLimitedQueue.LimitedBroadcast cur : view) {
                out.add(cur.copy());
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

    private void deleteItem(TransmitLimitedQueue.LimitedBroadcast cur) {
        tq.remove(cur);
        if (cur.name != null && !cur.name.isEmpty()) {
            tm.remove(cur.name, cur);
        }
    }

    private void addItem(TransmitLimitedQueue.LimitedBroadcast cur) {
        if (!tq.add(cur)) {
            throw new IllegalStateException("duplicate queue key " + cur);
        }
        if (cur.name != null && !cur.name.isEmpty()) {
            tm.put(cur.name, cur);
        }
    }

    /**
     * At idle there's no reason to let the id generator keep going. Unlike Go, which resets it
     * inside {@code deleteItem}, this runs only when the operation is over: Go can reset while a
     * broadcast is out for re-insertion or replacement, hand its id out again, and then two
     * broadcasts of the same tier and length share a key and one is silently lost.
     */
    private void resetIdGenWhenEmpty() {
        if (tq.isEmpty()) {
            idGen = 0;
        }
    }

    private static void finish(List<Broadcast> finished) {
        for (Broadcast b : finished) {
            b.finished();
        }
    }
}
