package dev.memberlist.engine.broadcast;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.broadcast.TransmitLimitedQueue.LimitedBroadcast;
import dev.memberlist.engine.state.ProtocolMath;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Go's queue_test.go, then what Go does not test. */
class TransmitLimitedQueueTest {

    private static LimitedBroadcast lb(int transmits, long msgLen, long id) {
        return new LimitedBroadcast(transmits, msgLen, id, null);
    }

    /** Go's TestLimitedBroadcastLess. */
    @Test
    void limitedBroadcastLess() {
        record Case(String name, LimitedBroadcast a, LimitedBroadcast b) {}
        List<Case> cases = List.of(
                new Case("diff-transmits", lb(0, 10, 100), lb(1, 10, 100)),
                new Case("same-transmits--diff-len", lb(0, 12, 100), lb(0, 10, 100)),
                new Case("same-transmits--same-len--diff-id", lb(0, 12, 100), lb(0, 12, 90)));

        for (Case c : cases) {
            LimitedBroadcast a = c.a();
            LimitedBroadcast b = c.b();
            assertThat(a.less(b)).as(c.name()).isTrue();
            assertThat(b.less(a)).as(c.name()).isFalse();

            TreeSet<LimitedBroadcast> tree = new TreeSet<>(LimitedBroadcast.ORDER);
            tree.add(b);
            tree.add(a);

            LimitedBroadcast min = tree.first();
            assertThat(min.transmits).isEqualTo(a.transmits);
            assertThat(min.msgLen).isEqualTo(a.msgLen);
            assertThat(min.id).isEqualTo(a.id);

            LimitedBroadcast max = tree.last();
            assertThat(max.transmits).isEqualTo(b.transmits);
            assertThat(max.msgLen).isEqualTo(b.msgLen);
            assertThat(max.id).isEqualTo(b.id);
        }
    }

    private static List<String> nodes(List<LimitedBroadcast> dump) {
        return dump.stream().map(x -> ((MemberlistBroadcast) x.b).node).toList();
    }

    /** Go's TestTransmitLimited_Queue. */
    @Test
    void queue() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 1, 1);
        q.queueBroadcast(new MemberlistBroadcast("test", (byte[]) null));
        q.queueBroadcast(new MemberlistBroadcast("foo", (byte[]) null));
        q.queueBroadcast(new MemberlistBroadcast("bar", (byte[]) null));

        assertThat(q.numQueued()).isEqualTo(3);
        assertThat(nodes(q.orderedView(true))).containsExactly("test", "foo", "bar");

        // Should invalidate previous message
        q.queueBroadcast(new MemberlistBroadcast("test", (byte[]) null));

        assertThat(q.numQueued()).isEqualTo(3);
        assertThat(nodes(q.orderedView(true))).containsExactly("foo", "bar", "test");
    }

    /** Go's TestTransmitLimited_GetBroadcasts. */
    @Test
    void getBroadcasts() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 3);

        // 18 bytes per message
        q.queueBroadcast(new MemberlistBroadcast("test", "1. this is a test."));
        q.queueBroadcast(new MemberlistBroadcast("foo", "2. this is a test."));
        q.queueBroadcast(new MemberlistBroadcast("bar", "3. this is a test."));
        q.queueBroadcast(new MemberlistBroadcast("baz", "4. this is a test."));

        // 2 byte overhead per message, should get all 4 messages
        List<byte[]> all = q.getBroadcasts(2, 80);
        assertThat(all).as("missing messages: %s", pretty(all)).hasSize(4);

        // 3 byte overhead, should only get 3 messages back
        List<byte[]> partial = q.getBroadcasts(3, 80);
        assertThat(partial).as("missing messages: %s", pretty(partial)).hasSize(3);
    }

    /** Go's TestTransmitLimited_GetBroadcasts_Limit. */
    @Test
    void getBroadcastsLimit() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 1);

        assertThat(q.idGen()).as("the id generator seed starts at zero").isZero();
        assertThat(ProtocolMath.retransmitLimit(1, 10))
                .as("sanity check transmit limits")
                .isEqualTo(2);

        // 18 bytes per message
        q.queueBroadcast(new MemberlistBroadcast("test", "1. this is a test."));
        q.queueBroadcast(new MemberlistBroadcast("foo", "2. this is a test."));
        q.queueBroadcast(new MemberlistBroadcast("bar", "3. this is a test."));
        q.queueBroadcast(new MemberlistBroadcast("baz", "4. this is a test."));

        assertThat(q.idGen()).as("we handed out 4 IDs").isEqualTo(4);

        // 3 byte overhead, should only get 3 messages back
        List<byte[]> partial1 = q.getBroadcasts(3, 80);
        assertThat(partial1).as("missing messages: %s", pretty(partial1)).hasSize(3);

        assertThat(q.idGen()).as("id generator doesn't reset until empty").isEqualTo(4);

        List<byte[]> partial2 = q.getBroadcasts(3, 80);
        assertThat(partial2).as("missing messages: %s", pretty(partial2)).hasSize(3);

        assertThat(q.idGen()).as("id generator doesn't reset until empty").isEqualTo(4);

        // Only two not expired
        List<byte[]> partial3 = q.getBroadcasts(3, 80);
        assertThat(partial3).as("missing messages: %s", pretty(partial3)).hasSize(2);

        assertThat(q.idGen()).as("id generator resets on empty").isZero();

        // Should get nothing
        List<byte[]> partial5 = q.getBroadcasts(3, 80);
        assertThat(partial5).as("missing messages: %s", pretty(partial5)).isEmpty();

        assertThat(q.idGen()).as("id generator resets on empty").isZero();
    }

    private static List<String> pretty(List<byte[]> msgs) {
        return msgs.stream().map(m -> "'" + new String(m, UTF_8) + "'").toList();
    }

    /** Go's TestTransmitLimited_Prune. */
    @Test
    void prune() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 1);

        // 18 bytes per message
        MemberlistBroadcast b1 = new MemberlistBroadcast("test", "1. this is a test.");
        MemberlistBroadcast b2 = new MemberlistBroadcast("foo", "2. this is a test.");
        q.queueBroadcast(b1);
        q.queueBroadcast(b2);
        q.queueBroadcast(new MemberlistBroadcast("bar", "3. this is a test."));
        q.queueBroadcast(new MemberlistBroadcast("baz", "4. this is a test."));

        // Keep only 2
        q.prune(2);

        assertThat(q.numQueued()).isEqualTo(2);

        // Should notify the first two
        assertThat(b1.finished).as("expected invalidation").hasValue(1);
        assertThat(b2.finished).as("expected invalidation").hasValue(1);

        assertThat(nodes(q.orderedView(true))).containsExactly("bar", "baz");

        // beyond Go's test: down to nothing, even below
        q.prune(-1);
        assertThat(q.numQueued()).isZero();
        assertThat(q.idGen()).isZero();
    }

    /** Go's TestTransmitLimited_ordering. */
    @Test
    void ordering() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 1);

        q.queueBroadcast(new MemberlistBroadcast("node0", "node0"), 0);
        q.queueBroadcast(new MemberlistBroadcast("node1", "node1"), 10);
        q.queueBroadcast(new MemberlistBroadcast("node2", "node2"), 3);
        q.queueBroadcast(new MemberlistBroadcast("node3", "node3"), 4);
        q.queueBroadcast(new MemberlistBroadcast("node4", "node4"), 7);

        List<LimitedBroadcast> dump = q.orderedView(true);

        assertThat(dump.stream().map(x -> x.transmits)).containsExactly(10, 7, 4, 3, 0);
    }

    // ---- beyond Go's tests ----

    @Test
    void picksTheLargestFittingMessageOfEachTierNewestFirst() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 3); // limit 6
        q.queueBroadcast(new MemberlistBroadcast("a", "x".repeat(10)));
        q.queueBroadcast(new MemberlistBroadcast("b", "y".repeat(30)));
        q.queueBroadcast(new MemberlistBroadcast("c", "z".repeat(20)));
        q.queueBroadcast(new MemberlistBroadcast("d", "w".repeat(20)));
        q.queueBroadcast(new MemberlistBroadcast("old", "o".repeat(5)), 1);

        // free starts at 29 - 2: the 30 does not fit; the newer of the two 20s goes first,
        // then 29 - 22 - 2 = 5 bytes are free: nothing of tier 0 fits, the 5 of tier 1 does
        List<byte[]> got = q.getBroadcasts(2, 29);
        assertThat(pretty(got)).containsExactly("'" + "w".repeat(20) + "'", "'" + "o".repeat(5) + "'");

        // sent ones moved one tier up, after the scan: none is sent twice in one call
        List<byte[]> all = q.getBroadcasts(0, 1000);
        assertThat(all.stream().map(m -> m.length)).containsExactly(30, 20, 10, 20, 5);
    }

    @Test
    void finishedAtTheTransmitLimit() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 1, 2); // limit 2
        MemberlistBroadcast b = new MemberlistBroadcast("a", "msg");
        q.queueBroadcast(b);

        assertThat(q.getBroadcasts(0, 100)).hasSize(1);
        assertThat(b.finished).hasValue(0);
        assertThat(q.getBroadcasts(0, 100)).hasSize(1);
        assertThat(b.finished).hasValue(1);
        assertThat(q.numQueued()).isZero();
        assertThat(q.getBroadcasts(0, 100)).isEmpty();
    }

    @Test
    void nothingFitsWhenOverheadEatsTheLimit() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 3);
        q.queueBroadcast(new MemberlistBroadcast("a", "m"));
        assertThat(q.getBroadcasts(10, 10)).isEmpty();
        assertThat(q.getBroadcasts(9, 10)).hasSize(1);
    }

    /** A plain broadcast with a key; invalidates plain broadcasts of the same key. */
    private static final class Plain implements Broadcast {
        final String key;
        final AtomicInteger finished = new AtomicInteger();
        final AtomicInteger invalidateCalls = new AtomicInteger();

        Plain(String key) {
            this.key = key;
        }

        @Override
        public boolean invalidates(Broadcast other) {
            invalidateCalls.incrementAndGet();
            return other instanceof Plain p && p.key.equals(key)
                    || other instanceof Named n && n.name().equals(key)
                    || other instanceof Unique;
        }

        @Override
        public byte[] message() {
            return key.getBytes(UTF_8);
        }

        @Override
        public void finished() {
            finished.incrementAndGet();
        }
    }

    /** Another NamedBroadcast type than MemberlistBroadcast; invalidates nothing by itself. */
    private static final class Named implements NamedBroadcast {
        final String name;
        final AtomicInteger finished = new AtomicInteger();

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean invalidates(Broadcast other) {
            return false;
        }

        @Override
        public byte[] message() {
            return ("named:" + name).getBytes(UTF_8);
        }

        @Override
        public void finished() {
            finished.incrementAndGet();
        }
    }

    private static final class Unique implements UniqueBroadcast {
        final AtomicInteger finished = new AtomicInteger();

        @Override
        public boolean invalidates(Broadcast other) {
            throw new AssertionError("a unique broadcast skips the invalidation scan");
        }

        @Override
        public byte[] message() {
            return "unique".getBytes(UTF_8);
        }

        @Override
        public void finished() {
            finished.incrementAndGet();
        }
    }

    /**
     * An entry's bucket is kept as a key of 16-bit length and 15-bit transmits; a longer message,
     * or one queued at more transmits, is found by a search when its namesake replaces it.
     */
    @Test
    void entriesBeyondTheBucketKeyAreFoundWhenReplaced() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 3);
        MemberlistBroadcast small = new MemberlistBroadcast("small", "alive");
        MemberlistBroadcast big = new MemberlistBroadcast("big", new byte[70_000]);
        MemberlistBroadcast veteran = new MemberlistBroadcast("veteran", "alive");
        MemberlistBroadcast edge = new MemberlistBroadcast("edge", new byte[0xffff]);
        q.queueBroadcast(small);
        q.queueBroadcast(big);
        q.queueBroadcast(veteran, 40_000);
        q.queueBroadcast(edge);

        MemberlistBroadcast big2 = new MemberlistBroadcast("big", "dead");
        MemberlistBroadcast veteran2 = new MemberlistBroadcast("veteran", "dead");
        MemberlistBroadcast edge2 = new MemberlistBroadcast("edge", "dead");
        q.queueBroadcast(big2);
        q.queueBroadcast(veteran2);
        q.queueBroadcast(edge2);

        assertThat(big.finished).hasValue(1);
        assertThat(veteran.finished).hasValue(1);
        assertThat(edge.finished).hasValue(1);
        assertThat(q.orderedView(false)).extracting(l -> l.b).containsExactlyInAnyOrder(small, big2, veteran2, edge2);
        assertThat(q.getBroadcasts(2, 1400)).hasSize(4);
    }

    /**
     * The name index keeps a tag of the name's hash beside each slot, in the bits the slot leaves
     * free; past a million entries the slots take a bit more and the index is rebuilt with
     * shorter tags. Every name is still found, before and after, and its namesake replaces it.
     */
    @Test
    void namesAreFoundWhenTheSlotsOutgrowTheTagBits() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 3);
        byte[] msg = "alive".getBytes(UTF_8);
        int n = (1 << 20) + 50_000;
        List<MemberlistBroadcast> first = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            MemberlistBroadcast b = new MemberlistBroadcast("node-" + i, msg);
            first.add(b);
            q.queueBroadcast(b);
            if (i % 100_000 == 0) {
                // replaced while the index still has room, and after it was rebuilt
                MemberlistBroadcast again = new MemberlistBroadcast("node-" + i, msg);
                q.queueBroadcast(again);
                assertThat(first.get(i).finished).hasValue(1);
                first.set(i, again);
            }
        }
        assertThat(q.numQueued()).isEqualTo(n);
        for (int i = 0; i < n; i += 997) {
            q.queueBroadcast(new MemberlistBroadcast("node-" + i, "dead"));
            assertThat(first.get(i).finished).as("node-%d", i).hasValue(1);
        }
        assertThat(q.numQueued()).isEqualTo(n);
        assertThat(first.get(1).finished).hasValue(0);
    }

    @Test
    void namedReplacesItsNamesakeWhateverItsType() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 3);
        MemberlistBroadcast m = new MemberlistBroadcast("n1", "alive");
        q.queueBroadcast(m);
        Named other = new Named("n1");
        q.queueBroadcast(other);

        assertThat(m.finished).hasValue(1);
        assertThat(q.numQueued()).isEqualTo(1);
        assertThat(q.orderedView(false).get(0).b).isSameAs(other);

        // and back, even though Named.invalidates says false
        MemberlistBroadcast again = new MemberlistBroadcast("n1", "dead");
        q.queueBroadcast(again);
        assertThat(other.finished).hasValue(1);
        assertThat(q.numQueued()).isEqualTo(1);
    }

    @Test
    void plainBroadcastsInvalidateOnlyPlainOnes() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 3);
        Plain p1 = new Plain("k");
        Plain p2 = new Plain("other");
        Named named = new Named("k");
        Unique unique = new Unique();
        q.queueBroadcast(p1);
        q.queueBroadcast(p2);
        q.queueBroadcast(named);
        q.queueBroadcast(unique);

        Plain p3 = new Plain("k");
        q.queueBroadcast(p3);

        // the scan asks about the plain ones only
        assertThat(p3.invalidateCalls).hasValue(2);
        assertThat(p1.finished).hasValue(1);
        assertThat(p2.finished).hasValue(0);
        assertThat(named.finished)
                .as("named entries are left alone by the scan")
                .hasValue(0);
        assertThat(unique.finished)
                .as("unique entries are left alone by the scan")
                .hasValue(0);
        assertThat(q.numQueued()).isEqualTo(4);
    }

    @Test
    void uniqueSkipsTheScanAndNeverReplaces() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 3);
        Unique u1 = new Unique();
        Unique u2 = new Unique();
        q.queueBroadcast(new Plain("k"));
        q.queueBroadcast(u1);
        q.queueBroadcast(u2); // would throw if asked to invalidate

        assertThat(q.numQueued()).isEqualTo(3);
        assertThat(u1.finished).hasValue(0);
    }

    @Test
    void namedWithAnEmptyNameTakesTheSlowPath() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 3);
        MemberlistBroadcast a = new MemberlistBroadcast("", "a");
        MemberlistBroadcast b = new MemberlistBroadcast("", "b");
        q.queueBroadcast(a);
        q.queueBroadcast(b);
        // like Go: no O(1) replacement, and the scan skips named entries
        assertThat(q.numQueued()).isEqualTo(2);
        assertThat(a.finished).hasValue(0);
    }

    /**
     * Go resets its id generator inside deleteItem, so replacing the only queued broadcast hands
     * its id out again; two broadcasts of the same tier and length then share a btree key and
     * Go silently loses one. This queue resets only when an operation leaves it empty.
     */
    @Test
    void replacingTheOnlyBroadcastDoesNotReuseItsId() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 3);
        q.queueBroadcast(new MemberlistBroadcast("a", "1")); // id 1
        q.queueBroadcast(new MemberlistBroadcast("a", "2")); // id 2, replaces id 1
        q.queueBroadcast(new MemberlistBroadcast("b", "3")); // Go: id 1
        q.queueBroadcast(new MemberlistBroadcast("c", "4")); // Go: id 2 again, replacing "a"

        assertThat(q.numQueued()).isEqualTo(3);
        assertThat(nodes(q.orderedView(false))).containsExactly("c", "b", "a");
    }

    @Test
    void reinsertedBroadcastsKeepUniqueIds() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 3);
        q.queueBroadcast(new MemberlistBroadcast("a", "1")); // id 1
        q.getBroadcasts(0, 100); // now tier 1; Go resets its ids here
        q.queueBroadcast(new MemberlistBroadcast("b", "2"));
        q.getBroadcasts(0, 1); // "b" to tier 1; Go gave it id 1 as well
        assertThat(q.numQueued()).isEqualTo(2);
        assertThat(nodes(q.orderedView(false))).containsExactly("b", "a");
    }

    @Test
    void resetFinishesAll() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 3);
        List<MemberlistBroadcast> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            MemberlistBroadcast b = new MemberlistBroadcast("n" + i, "m" + i);
            all.add(b);
            q.queueBroadcast(b);
        }
        q.reset();
        assertThat(q.numQueued()).isZero();
        assertThat(q.idGen()).isZero();
        assertThat(all).allSatisfy(b -> assertThat(b.finished).hasValue(1));
        assertThat(q.getBroadcasts(0, 1000)).isEmpty();
    }

    @Test
    void finishedMayUseTheQueue() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 3);
        AtomicInteger seen = new AtomicInteger(-1);
        q.queueBroadcast(new MemberlistBroadcast("a", "1") {
            @Override
            public void finished() {
                seen.set(q.numQueued());
                q.queueBroadcast(new MemberlistBroadcast("followup", "f"));
            }
        });
        q.queueBroadcast(new MemberlistBroadcast("a", "2"));
        assertThat(seen).hasValue(1);
        assertThat(q.numQueued()).isEqualTo(2);
    }

    /** Many threads queue, send, prune: every broadcast is finished exactly once, the queue stays sound. */
    @Test
    void concurrencySmoke() throws Exception {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 50, 2);
        int writers = 4;
        int perWriter = 5_000;
        List<MemberlistBroadcast> all = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());

        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(new Thread(() -> {
                for (int i = 0; i < perWriter; i++) {
                    // names repeat, so replacements happen across threads
                    MemberlistBroadcast b = new MemberlistBroadcast("n" + (i % 200), "w" + writer + "-" + i);
                    all.add(b);
                    q.queueBroadcast(b);
                    if (i % 50 == 0) {
                        q.queueBroadcast(new Unique());
                    }
                }
            }));
        }
        for (int r = 0; r < 2; r++) {
            threads.add(new Thread(() -> {
                while (!done.get()) {
                    for (byte[] m : q.getBroadcasts(2, 1400)) {
                        if (m.length == 0) {
                            failures.add(new AssertionError("empty message"));
                        }
                    }
                    q.prune(150);
                }
            }));
        }
        for (Thread t : threads) {
            t.setUncaughtExceptionHandler((th, e) -> failures.add(e));
            t.start();
        }
        for (int i = 0; i < writers; i++) {
            threads.get(i).join();
        }
        done.set(true);
        for (Thread t : threads) {
            t.join();
        }
        q.reset();

        assertThat(failures).isEmpty();
        assertThat(all).hasSize(writers * perWriter);
        assertThat(all).allSatisfy(b -> assertThat(b.finished).as(b.node).hasValue(1));
        assertThat(q.numQueued()).isZero();
    }
}
