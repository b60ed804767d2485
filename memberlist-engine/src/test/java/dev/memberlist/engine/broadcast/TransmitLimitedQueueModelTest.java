package dev.memberlist.engine.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The compact queue against the btree queue it replaced ({@link BtreeQueue}, Go's layout): the
 * same random operations on both, with named, unique and plain broadcasts of clashing lengths
 * and names, initial tiers, changing cluster sizes, pruning and resets, must give the same
 * packets, the same finished callbacks in the same order, and the same queue, entry for entry.
 */
class TransmitLimitedQueueModelTest {

    /** One logical broadcast, queued as twins: one object in each queue, logging to its queue's log. */
    private static Broadcast twin(String kind, String name, byte[] msg, int tag, List<Integer> log) {
        return switch (kind) {
            case "named" -> new Named(name, msg, tag, log);
            case "unique" -> new Unique(msg, tag, log);
            default -> new Plain(name, msg, tag, log);
        };
    }

    private abstract static class Logged implements Broadcast {
        final byte[] msg;
        final int tag;
        final List<Integer> log;

        Logged(byte[] msg, int tag, List<Integer> log) {
            this.msg = msg;
            this.tag = tag;
            this.log = log;
        }

        @Override
        public byte[] message() {
            return msg;
        }

        @Override
        public void finished() {
            log.add(tag);
        }
    }

    private static final class Named extends Logged implements NamedBroadcast {
        final String name;

        Named(String name, byte[] msg, int tag, List<Integer> log) {
            super(msg, tag, log);
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
    }

    private static final class Unique extends Logged implements UniqueBroadcast {
        Unique(byte[] msg, int tag, List<Integer> log) {
            super(msg, tag, log);
        }

        @Override
        public boolean invalidates(Broadcast other) {
            return false;
        }
    }

    /** Invalidates the plain broadcasts of the same key. */
    private static final class Plain extends Logged {
        final String key;

        Plain(String key, byte[] msg, int tag, List<Integer> log) {
            super(msg, tag, log);
            this.key = key;
        }

        @Override
        public boolean invalidates(Broadcast other) {
            return other instanceof Plain p && p.key.equals(key);
        }
    }

    private static List<String> view(List<TransmitLimitedQueue.LimitedBroadcast> v) {
        List<String> out = new ArrayList<>();
        for (TransmitLimitedQueue.LimitedBroadcast lb : v) {
            out.add(lb.transmits + "/" + lb.msgLen + "/" + lb.id + "/" + ((Logged) lb.b).tag + "/" + lb.name);
        }
        return out;
    }

    @Test
    void sameAsTheBtreeQueueUnderRandomOperations() {
        for (long seed = 1; seed <= 300; seed++) {
            Random r = new Random(seed);
            AtomicInteger nodes = new AtomicInteger(1 + r.nextInt(50));
            int mult = 1 + r.nextInt(4);
            TransmitLimitedQueue q = new TransmitLimitedQueue(nodes::get, mult);
            BtreeQueue ref = new BtreeQueue(nodes::get, mult);
            List<Integer> qLog = new ArrayList<>();
            List<Integer> refLog = new ArrayList<>();
            int names = 1 + r.nextInt(40);
            int lengths = 1 + r.nextInt(8);
            int ops = 200 + r.nextInt(2000);
            for (int op = 0; op < ops; op++) {
                int what = r.nextInt(100);
                if (what < 55) {
                    String kind = r.nextInt(10) < 7 ? "named" : r.nextBoolean() ? "unique" : "plain";
                    String name = r.nextInt(20) == 0 ? "" : "n" + r.nextInt(names);
                    byte[] msg = new byte[r.nextInt(10) == 0 ? r.nextInt(300) : 1 + 10 * r.nextInt(lengths)];
                    if (msg.length > 0) {
                        msg[0] = (byte) op;
                    }
                    int initial = r.nextInt(10) == 0 ? r.nextInt(6) : 0;
                    q.queueBroadcast(twin(kind, name, msg, op, qLog), initial);
                    ref.queueBroadcast(twin(kind, name, msg, op, refLog), initial);
                } else if (what < 90) {
                    int overhead = r.nextInt(4);
                    int limit = r.nextInt(10) == 0 ? r.nextInt(20) : r.nextInt(400);
                    List<byte[]> a = q.getBroadcasts(overhead, limit);
                    List<byte[]> b = ref.getBroadcasts(overhead, limit);
                    assertThat(a).as("seed %d op %d: packet", seed, op).containsExactlyElementsOf(b);
                } else if (what < 94) {
                    nodes.set(1 + r.nextInt(2000));
                } else if (what < 98) {
                    int keep = r.nextInt(30);
                    q.prune(keep);
                    ref.prune(keep);
                } else if (what < 99) {
                    q.reset();
                    ref.reset();
                } else {
                    assertThat(q.idGen()).isEqualTo(ref.idGen());
                }
                assertThat(qLog).as("seed %d op %d: finished", seed, op).isEqualTo(refLog);
                assertThat(q.numQueued()).as("seed %d op %d: size", seed, op).isEqualTo(ref.numQueued());
                if (op % 17 == 0) {
                    assertThat(view(q.orderedView(false)))
                            .as("seed %d op %d: queue", seed, op)
                            .isEqualTo(view(ref.orderedView(false)));
                    assertThat(view(q.orderedView(true))).isEqualTo(view(ref.orderedView(true)));
                }
            }
            // drain both
            for (int i = 0; i < 10_000 && ref.numQueued() > 0; i++) {
                assertThat(q.getBroadcasts(2, 1400)).containsExactlyElementsOf(ref.getBroadcasts(2, 1400));
            }
            assertThat(qLog).isEqualTo(refLog);
            assertThat(q.numQueued()).isZero();
            assertThat(q.idGen()).isEqualTo(ref.idGen());
        }
    }

    @Test
    void thousandsOfEntriesComeOutAsFromTheBtree() {
        Random r = new Random(7);
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 5000, 4);
        BtreeQueue ref = new BtreeQueue(() -> 5000, 4);
        List<Integer> qLog = new ArrayList<>();
        List<Integer> refLog = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            if (r.nextInt(3) > 0) {
                byte[] msg = new byte[60 + r.nextInt(4)];
                String name = "n" + r.nextInt(5000);
                q.queueBroadcast(twin("named", name, msg, i, qLog), 0);
                ref.queueBroadcast(twin("named", name, msg, i, refLog), 0);
            } else {
                assertThat(q.getBroadcasts(2, 1398)).containsExactlyElementsOf(ref.getBroadcasts(2, 1398));
            }
        }
        while (ref.numQueued() > 0) {
            assertThat(q.getBroadcasts(2, 1398)).containsExactlyElementsOf(ref.getBroadcasts(2, 1398));
        }
        assertThat(qLog).isEqualTo(refLog);
        assertThat(q.numQueued()).isZero();
    }

    /** Entries billions of submissions apart still come out newest first: the queue renumbers them. */
    @Test
    void idsBillionsApartKeepTheirOrder() {
        TransmitLimitedQueue q = new TransmitLimitedQueue(() -> 10, 3);
        List<Integer> log = new ArrayList<>();
        q.queueBroadcast(twin("named", "a", new byte[] {'a', 0}, 1, log), 0);
        q.queueBroadcast(twin("named", "b", new byte[] {'b', 0}, 2, log), 0);
        // the next submission is a checkpoint, with "a" and "b" 3 * 2^30 submissions old
        q.skipIdsForTest(3L * (1L << 30) - 1);
        q.queueBroadcast(twin("named", "c", new byte[] {'c', 0}, 3, log), 0);
        assertThat(q.orderedView(false)).extracting(lb -> lb.name).containsExactly("c", "b", "a");
        assertThat(q.getBroadcasts(0, 2)).containsExactly(new byte[] {'c', 0});
        assertThat(q.getBroadcasts(0, 2)).containsExactly(new byte[] {'b', 0});
        assertThat(q.getBroadcasts(0, 2)).containsExactly(new byte[] {'a', 0});
        // a fourth goes first, and once sent it is the newest of the tier above
        q.queueBroadcast(twin("named", "d", new byte[] {'d', 0}, 4, log), 0);
        assertThat(q.getBroadcasts(0, 2)).containsExactly(new byte[] {'d', 0});
        assertThat(q.orderedView(false)).extracting(lb -> lb.name).containsExactly("d", "c", "b", "a");
        assertThat(q.orderedView(false)).extracting(lb -> lb.transmits).containsOnly(1);
    }
}
