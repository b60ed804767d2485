package dev.memberlist.test.fault;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A seeded, changeable fault policy for the links between named nodes: for every packet or
 * stream from node A to node B it decides loss, extra delay (which reorders packets when it
 * has jitter), duplication, one-way blocking and partitions. Used by
 * {@code MockNetwork.setFaults} (in memory, deterministic on a simulation) and by
 * {@link FaultyTransport} (around any transport, real sockets included).
 *
 * <p>Links are directed and named by node: {@code A -> B} is what A sends and B receives. A
 * {@linkplain #setAll rule for all links} applies unless a {@linkplain #setLink per-link rule}
 * replaces it. Blocks are separate from rules: a blocked link drops everything, whatever its
 * rule, and {@link #heal()} lifts every block and partition but keeps the rules.
 *
 * <p>Packets (UDP) get the rule in full. Streams (TCP) are reliable and ordered, so loss,
 * duplication and jitter do not apply to their bytes (TCP retransmits them); a stream event
 * is only delayed by the rule's fixed {@link Rule#delay()}. A stream needs both directions:
 * across a block in either direction a dial never completes and times out, as a TCP connect
 * whose SYN or SYN-ACK is dropped does, and the bytes of a stream opened before the block
 * stop arriving.
 *
 * <p>Every random choice comes from one {@link Random} seeded at construction, and a blocked
 * link consumes none: the same seed and the same sequence of decisions (as a simulation,
 * which runs everything on one thread in a fixed order, makes them) give the same faults, so a
 * failing run replays. On real threads decisions interleave freely; the policy is
 * thread-safe, not reproducible there.
 */
public final class LinkFaults {
    /**
     * What happens on a link that is not blocked.
     *
     * @param loss probability in [0, 1] that a packet is dropped
     * @param delay extra one-way delay of every packet and stream event
     * @param jitter a packet's extra delay gets a uniform random part in [0, jitter): packets sent
     *     less than {@code jitter} apart can arrive out of order
     * @param duplicate probability in [0, 1] that a delivered packet arrives twice (each copy with
     *     its own jitter)
     */
    public record Rule(double loss, Duration delay, Duration jitter, double duplicate) {
        /** A perfect link: nothing lost, delayed or duplicated. */
        public static final Rule PERFECT = new Rule(0, Duration.ZERO, Duration.ZERO, 0);

        /** @throws IllegalArgumentException for a probability outside [0, 1] or a negative duration */
        public Rule {
            checkProbability("loss", loss);
            checkProbability("duplicate", duplicate);
            if (delay == null || delay.isNegative() || jitter == null || jitter.isNegative()) {
                throw new IllegalArgumentException("delay and jitter must be zero or positive");
            }
        }

        /** A rule that only loses packets, with probability {@code loss}. */
        public static Rule loss(double loss) {
            return PERFECT.withLoss(loss);
        }

        /** This rule with another loss probability. */
        public Rule withLoss(double p) {
            return new Rule(p, delay, jitter, duplicate);
        }

        /** This rule with another fixed delay and jitter. */
        public Rule withDelay(Duration fixed, Duration jitter) {
            return new Rule(loss, fixed, jitter, duplicate);
        }

        /** This rule with another duplication probability. */
        public Rule withDuplicate(double p) {
            return new Rule(loss, delay, jitter, p);
        }

        private static void checkProbability(String what, double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException(what + " probability must be in [0, 1]: " + p);
            }
        }
    }

    /**
     * Counts of the decisions so far.
     *
     * @param packets packets decided
     * @param lost packets dropped by a rule's loss
     * @param blocked packets dropped on a blocked link
     * @param duplicated packets delivered twice
     * @param dialsBlocked stream dials refused across a block
     */
    public record Stats(long packets, long lost, long blocked, long duplicated, long dialsBlocked) {}

    private record Link(String from, String to) {}

    private static final long[] NONE = new long[0];

    private final Random random;
    private Rule all = Rule.PERFECT;
    private final Map<Link, Rule> links = new HashMap<>();
    private final Set<Link> blocked = new HashSet<>();
    /** A node's side in the current partition; nodes without a side reach everyone. */
    private final Map<String, Integer> sides = new HashMap<>();

    private final Map<InetSocketAddress, String> names = new ConcurrentHashMap<>();

    private long packets;
    private long lost;
    private long blockedPackets;
    private long duplicated;
    private long dialsBlocked;

    /** @param seed the seed of every random decision */
    public LinkFaults(long seed) {
        this.random = new Random(seed);
    }

    // ---- configuration, at any time --------------------------------------------------------

    /** The rule of every link that has no rule of its own. */
    public synchronized LinkFaults setAll(Rule rule) {
        this.all = rule;
        return this;
    }

    /** The rule of links without their own. */
    public synchronized Rule all() {
        return all;
    }

    /** A rule for the one direction {@code from -> to}, in place of the rule for all links. */
    public synchronized LinkFaults setLink(String from, String to, Rule rule) {
        links.put(new Link(from, to), rule);
        return this;
    }

    /** Removes a per-link rule: the link follows the rule for all links again. */
    public synchronized LinkFaults clearLink(String from, String to) {
        links.remove(new Link(from, to));
        return this;
    }

    /** The rule in force on {@code from -> to}. */
    public synchronized Rule rule(String from, String to) {
        return links.getOrDefault(new Link(from, to), all);
    }

    /** Blocks one direction: nothing {@code from} sends reaches {@code to}; the reverse still works. */
    public synchronized LinkFaults block(String from, String to) {
        blocked.add(new Link(from, to));
        return this;
    }

    /** Lifts a one-way block (not a partition). */
    public synchronized LinkFaults unblock(String from, String to) {
        blocked.remove(new Link(from, to));
        return this;
    }

    /**
     * Splits nodes into sides that cannot reach each other, in both directions; nodes within a
     * side, and nodes named in no side, are unaffected. Replaces any earlier partition.
     */
    @SafeVarargs
    public final synchronized LinkFaults partition(Collection<String>... groups) {
        sides.clear();
        for (int i = 0; i < groups.length; i++) {
            for (String name : groups[i]) {
                Integer old = sides.put(name, i);
                if (old != null && old != i) {
                    throw new IllegalArgumentException(name + " is on two sides of the partition");
                }
            }
        }
        return this;
    }

    /** Lifts every block and the partition; loss, delay and duplication rules stay. */
    public synchronized LinkFaults heal() {
        blocked.clear();
        sides.clear();
        return this;
    }

    /** Back to a perfect network: no rules, no blocks, no partition (counters and seed go on). */
    public synchronized LinkFaults reset() {
        all = Rule.PERFECT;
        links.clear();
        return heal();
    }

    // ---- names of socket addresses, for transports that only see addresses -----------------

    /**
     * Records that packets from {@code addr} come from node {@code name}, so a transport that
     * only sees source addresses can apply the policy to what it receives.
     * {@link FaultyTransport} registers its own advertise address when it starts.
     */
    public void register(String name, InetSocketAddress addr) {
        names.put(addr, name);
    }

    /** The node registered at a socket address, or null. */
    public String nameOf(InetSocketAddress addr) {
        return addr == null ? null : names.get(addr);
    }

    // ---- decisions -------------------------------------------------------------------------

    /** True when nothing {@code from} sends reaches {@code to}. */
    public synchronized boolean isBlocked(String from, String to) {
        if (blocked.contains(new Link(from, to))) {
            return true;
        }
        Integer a = sides.get(from);
        Integer b = sides.get(to);
        return a != null && b != null && !a.equals(b);
    }

    /** True when a stream between the two can work: TCP needs both directions. */
    public synchronized boolean canConnect(String from, String to) {
        return !isBlocked(from, to) && !isBlocked(to, from);
    }

    /**
     * Decides one stream dial {@code from -> to} and counts it.
     *
     * @return true when it connects, false when it must time out
     */
    public synchronized boolean decideDial(String from, String to) {
        if (canConnect(from, to)) {
            return true;
        }
        dialsBlocked++;
        return false;
    }

    /**
     * Decides the fate of one packet {@code from -> to}.
     *
     * @return the extra delay in nanoseconds of each copy to deliver: empty when the packet is
     *     lost or blocked, two entries when it is duplicated
     */
    public synchronized long[] decidePacket(String from, String to) {
        packets++;
        if (isBlocked(from, to)) {
            blockedPackets++;
            return NONE;
        }
        Rule r = rule(from, to);
        if (r.loss > 0 && random.nextDouble() < r.loss) {
            lost++;
            return NONE;
        }
        boolean dup = r.duplicate > 0 && random.nextDouble() < r.duplicate;
        long fixed = r.delay.toNanos();
        long jitter = r.jitter.toNanos();
        if (!dup) {
            return new long[] {fixed + jitter(jitter)};
        }
        duplicated++;
        return new long[] {fixed + jitter(jitter), fixed + jitter(jitter)};
    }

    /** The extra delay of a stream event {@code from -> to}: the fixed delay only, so bytes keep their order. */
    public synchronized long streamDelayNanos(String from, String to) {
        return rule(from, to).delay.toNanos();
    }

    private long jitter(long jitterNanos) {
        return jitterNanos <= 0 ? 0 : (long) (random.nextDouble() * jitterNanos);
    }

    /** The counters so far. */
    public synchronized Stats stats() {
        return new Stats(packets, lost, blockedPackets, duplicated, dialsBlocked);
    }

    @Override
    public synchronized String toString() {
        return "LinkFaults[all=" + all + ", links=" + links.size() + ", blocked=" + List.copyOf(blocked) + ", sides="
                + sides + "]";
    }
}
