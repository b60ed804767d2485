package dev.memberlist.engine.sim;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.state.ProtocolMath;
import dev.memberlist.test.fault.LinkFaults;
import dev.memberlist.test.fault.LinkFaults.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * The fault scenarios of issue 4, run on a {@link SimCluster} with a seeded {@link LinkFaults}
 * network: the same code measures them for the scenario tests (a few dozen nodes) and for
 * {@link FaultBench} (full size). Each returns what it measured; the callers assert or print.
 * Times are virtual; a null duration means the outcome never happened within the run.
 */
final class FaultScenarios {
    private FaultScenarios() {}

    // ---- bounds, from Go's formulas ----------------------------------------------------------

    /**
     * Gossip's dissemination time: a node that learns something forwards it in its gossip
     * rounds (and piggybacked on probes) until it was sent {@code retransmitLimit} times, so a
     * rumour lives about {@code retransmitLimit} gossip intervals; that covers the epidemic's
     * ~log(n) hops with room to spare. A node the epidemic misses learns at its next push-pull.
     */
    static Duration dissemination(Config c, int n) {
        return c.getGossipInterval().multipliedBy(ProtocolMath.retransmitLimit(c.getRetransmitMult(), n));
    }

    /** Lifeguard's longest suspicion: {@code SuspicionMaxTimeoutMult} times the minimum. */
    static Duration maxSuspicion(Config c, int n) {
        long min = ProtocolMath.suspicionTimeout(
                c.getSuspicionMult(), n, c.getProbeInterval().toNanos());
        return Duration.ofNanos(c.getSuspicionMaxTimeoutMult() * min);
    }

    /**
     * The longest a failure can take to be known everywhere: every node probes every other
     * within one pass of its list ({@code n - 1} probe intervals), the probe itself lasts one
     * probe interval, the suspicion reaches the others (one dissemination), every suspicion timer
     * starts at most at the maximum and only shrinks with confirmations, and the dead message
     * reaches everyone (one more dissemination).
     */
    static Duration detectionBound(Config c, int n) {
        return c.getProbeInterval()
                .multipliedBy(n)
                .plus(maxSuspicion(c, n))
                .plus(dissemination(c, n).multipliedBy(2));
    }

    /**
     * One push-pull interval (scaled for the cluster size, as Go's pushPullScale) plus two
     * disseminations: news gossip missed reaches a node at its next push-pull, and a node that
     * must refute needs one dissemination to hear the accusation and one for its answer.
     */
    static Duration pushPullBound(Config c, int n) {
        return Duration.ofNanos(
                        ProtocolMath.pushPullScale(c.getPushPullInterval().toNanos(), n))
                .plus(dissemination(c, n).multipliedBy(2));
    }

    /** How long to wait for the cluster to converge before a scenario starts. */
    static final Duration CONVERGE_MAX = Duration.ofMinutes(10);

    /** A cluster of {@code n} nodes joined to the first and converged on a perfect network with faults installed. */
    static SimCluster converged(int n, long seed, UnaryOperator<Config> cfg) {
        SimCluster c = new SimCluster(seed, cfg);
        c.network.setFaults(new LinkFaults(seed));
        c.start(n);
        c.joinAllToFirst();
        if (c.runUntil(c::converged, CONVERGE_MAX) == null) {
            c.close();
            throw new IllegalStateException(n + " nodes did not converge within " + CONVERGE_MAX);
        }
        return c;
    }

    static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    /** Sum of the incarnations of every live node's own record: each refutation adds at least one. */
    static long incarnations(SimCluster c) {
        long sum = 0;
        for (int i : c.liveIndexes()) {
            Node self = c.node(i).localNode();
            sum += self.incarnation();
        }
        return sum;
    }

    // ---- loss ------------------------------------------------------------------------------

    /**
     * @param nodes cluster size
     * @param loss packet loss on every link
     * @param observe how long the lossy cluster runs before the crash
     * @param falseDeaths failures declared (a leave event with state DEAD, by anyone) about nodes
     *     that never crashed, over the whole lossy period
     * @param falselyDeclared how many distinct healthy nodes were declared dead at least once
     * @param refutations incarnation increments of healthy nodes over the lossy period
     * @param firstDeclared from the crash until the first node declared the crashed node dead
     * @param detect from the crash until every live node held it dead
     * @param meta from a metadata update until every live node held it
     * @param stats the network's decisions
     */
    record LossResult(
            int nodes,
            double loss,
            Duration observe,
            int falseDeaths,
            int falselyDeclared,
            long refutations,
            Duration firstDeclared,
            Duration detect,
            Duration meta,
            LinkFaults.Stats stats) {}

    /**
     * Converges on a perfect network, then puts {@code loss} on every link (packets only;
     * streams are TCP) and runs {@code observe}; crashes the last node and waits until every
     * live node holds it dead; then updates node 1's metadata and waits until everyone has it.
     */
    static LossResult loss(int n, double loss, long seed, Duration observe, UnaryOperator<Config> cfg) {
        try (SimCluster c = converged(n, seed, cfg)) {
            LinkFaults faults = c.network.faults();
            List<String> healthy = c.names(range(0, n - 1));
            long inc0 = incarnations(c);
            faults.setAll(Rule.loss(loss));
            c.sim.runFor(observe);

            int victim = n - 1;
            String victimName = c.name(victim);
            long crashAt = c.sim.nanoTime();
            long incBeforeCrash = incarnations(c) - c.node(victim).localNode().incarnation();
            c.crash(victim);
            Duration detect = c.runUntil(() -> c.allSeeDead(victim), Duration.ofMinutes(5));
            Duration first = c.deaths(List.of(victimName)).stream()
                    .filter(e -> e.nanos() >= crashAt)
                    .findFirst()
                    .map(e -> Duration.ofNanos(e.nanos() - crashAt))
                    .orElse(null);

            c.updateMeta(1, "v=2");
            Duration meta = c.runUntil(() -> c.allSeeMeta(1, "v=2"), Duration.ofMinutes(5));

            List<SimCluster.Event> falseDeaths = c.deaths(healthy);
            int distinct = (int)
                    falseDeaths.stream().map(SimCluster.Event::node).distinct().count();
            return new LossResult(
                    n,
                    loss,
                    observe,
                    falseDeaths.size(),
                    distinct,
                    incBeforeCrash - (inc0 - 1),
                    first,
                    detect,
                    meta,
                    faults.stats());
        }
    }

    // ---- partition ---------------------------------------------------------------------------

    /**
     * @param splitDead from the split until each side held every node of the other side dead
     * @param healed from the heal until every node held every node alive
     * @param refuted nodes whose incarnation went up between the split and the end
     * @param refutedAliveEverywhere whether every refuted node was alive on every node at the end
     * @param deadDeclarations failures declared during the split (leave events with state DEAD)
     * @param crossKnownAtHeal at the heal, how many (node, node of the other side) pairs had an
     *     entry, in any state: zero once both sides reaped each other
     * @param crossKnown the same at the end
     */
    record PartitionResult(
            int nodes,
            Duration splitDead,
            Duration healed,
            List<String> refuted,
            boolean refutedAliveEverywhere,
            int deadDeclarations,
            int crossKnownAtHeal,
            int crossKnown) {}

    /**
     * Splits a converged cluster into two halves (both directions blocked), waits until each
     * side holds the other side dead, heals after {@code healAfter} more, and waits up to
     * {@code healMax} for every node to hold every node alive. With {@code rejoinAfter} set,
     * node 0 joins the first node of the other half that long after the heal, as Serf's
     * reconnect loop joins failed members; {@code healed} still counts from the heal.
     */
    static PartitionResult partition(
            int n, long seed, Duration healAfter, Duration rejoinAfter, Duration healMax, UnaryOperator<Config> cfg) {
        try (SimCluster c = converged(n, seed, cfg)) {
            LinkFaults faults = c.network.faults();
            List<Integer> left = range(0, n / 2);
            List<Integer> right = range(n / 2, n);
            List<Integer> all = range(0, n);
            long[] inc0 = new long[n];
            for (int i = 0; i < n; i++) {
                inc0[i] = c.node(i).localNode().incarnation();
            }
            int deaths0 = c.deaths(c.names(all)).size();
            faults.partition(c.names(left), c.names(right));
            Duration splitDead =
                    c.runUntil(() -> c.allSeeDead(left, right) && c.allSeeDead(right, left), Duration.ofMinutes(5));
            int deadDeclarations = c.deaths(c.names(all)).size() - deaths0;
            c.sim.runFor(healAfter);
            int crossKnownAtHeal = crossKnown(c, left, right);
            faults.heal();
            long healAt = c.sim.nanoTime();
            Duration healed;
            if (rejoinAfter == null) {
                healed = c.runUntil(() -> c.allSeeAlive(all, all), healMax);
            } else {
                // what Serf's reconnect loop does: join a member of the other side
                c.sim.runFor(rejoinAfter);
                c.join(left.get(0), right.get(0));
                healed = c.runUntil(() -> c.allSeeAlive(all, all), healMax);
                if (healed != null) {
                    healed = Duration.ofNanos(c.sim.nanoTime() - healAt);
                }
            }
            List<String> refuted = new ArrayList<>();
            List<Integer> refutedIdx = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (c.node(i).localNode().incarnation() > inc0[i]) {
                    refuted.add(c.name(i));
                    refutedIdx.add(i);
                }
            }
            return new PartitionResult(
                    n,
                    splitDead,
                    healed,
                    refuted,
                    c.allSeeAlive(all, refutedIdx),
                    deadDeclarations,
                    crossKnownAtHeal,
                    crossKnown(c, left, right));
        }
    }

    /** How many entries the nodes of each side hold about the other side's nodes. */
    private static int crossKnown(SimCluster c, List<Integer> left, List<Integer> right) {
        int known = 0;
        for (int i : left) {
            for (int j : right) {
                known +=
                        (c.node(i).node(c.name(j)) != null ? 1 : 0) + (c.node(j).node(c.name(i)) != null ? 1 : 0);
            }
        }
        return known;
    }

    // ---- restart -----------------------------------------------------------------------------

    /** How a node comes back under its old name. */
    enum Restart {
        /** Crashes, is declared dead, restarts at the same address with a fresh incarnation 1. */
        SAME_ADDRESS,
        /** Crashes, is declared dead, restarts at a new port once the others' DeadNodeReclaimTime passed. */
        NEW_PORT_RECLAIM,
        /** Leaves gracefully, shuts down, restarts at a new port (a left node's address can be reclaimed at once). */
        NEW_PORT_AFTER_LEAVE
    }

    /**
     * @param gone from the crash or leave until every live node held the node dead or left
     * @param alive from the restarted node's join until every node held it alive, at its new address
     * @param oldIncarnation the incarnation the others held it dead at
     * @param newIncarnation its incarnation at the end
     */
    record RestartResult(
            int nodes, Restart how, Duration gone, Duration alive, long oldIncarnation, long newIncarnation) {}

    /**
     * Takes the last node of a converged cluster down as {@code how} says, brings it back under
     * the same name {@code downFor} after everyone held it dead or left, lets it join node 0, and
     * waits up to {@code max} until every node holds it alive at its new address.
     */
    static RestartResult restart(
            int n, long seed, Restart how, Duration downFor, Duration max, UnaryOperator<Config> cfg) {
        try (SimCluster c = converged(n, seed, cfg)) {
            int victim = n - 1;
            // three metadata updates take its incarnation to 4: the others will hold it dead (or
            // left) above the incarnation 1 it restarts with
            for (int k = 1; k <= 3; k++) {
                c.updateMeta(victim, "gen=" + k);
            }
            c.runUntil(() -> c.allSeeMeta(victim, "gen=3"), Duration.ofMinutes(1));
            long start = c.sim.nanoTime();
            if (how == Restart.NEW_PORT_AFTER_LEAVE) {
                c.leaveAndShutdown(victim, Duration.ofSeconds(5));
            } else {
                c.crash(victim);
            }
            Duration gone = c.runUntil(() -> c.allSeeDead(victim), Duration.ofMinutes(5));
            if (gone != null) {
                gone = Duration.ofNanos(c.sim.nanoTime() - start);
            }
            Node held = c.node(0).node(c.name(victim));
            long oldInc = held == null ? 0 : held.incarnation();
            c.sim.runFor(downFor);
            c.restart(victim, how == Restart.SAME_ADDRESS);
            int port = c.node(victim).advertiseAddress().getPort();
            long joinAt = c.sim.nanoTime();
            c.join(victim, 0);
            List<Integer> all = range(0, n);
            Duration alive = c.runUntil(
                    () -> c.allSeeAlive(all, List.of(victim))
                            && c.allSeeAlive(List.of(victim), all)
                            && samePort(c, victim, port),
                    max);
            if (alive != null) {
                alive = Duration.ofNanos(c.sim.nanoTime() - joinAt);
            }
            return new RestartResult(
                    n, how, gone, alive, oldInc, c.node(victim).localNode().incarnation());
        }
    }

    private static boolean samePort(SimCluster c, int victim, int port) {
        for (int i : c.liveIndexes()) {
            Node v = c.node(i).node(c.name(victim));
            if (v == null || v.port() != port) {
                return false;
            }
        }
        return true;
    }
}
