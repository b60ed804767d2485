package dev.memberlist.engine.sim;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.state.ProtocolMath;
import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.test.network.MockTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A large cluster on the simulation, measured against SWIM/Lifeguard's formulas: it forms,
 * detects a crash and spreads a metadata update, on LAN timings.
 *
 * <ol>
 *   <li><b>Start:</b> n nodes start a random 0-2 ms apart (so their tickers are not in
 *       lockstep).
 *   <li><b>Join:</b> staggered into one seed: node i joins node 0 at {@code i * 10 ms}. All at
 *       once would not work in Go either: a node refuses its 128th concurrent push-pull. With
 *       several seeds, a node that joins through seed B just before B hears of a node that
 *       joined through seed A can miss that joiner for good: by the time the others know the
 *       newcomer and gossip to it, the joiner's alive rumour has used up its retransmissions.
 *       Go's memberlist then waits for a push-pull (this happened in 1 of 2 runs at 500 nodes
 *       with three seeds, 166 s); one seed hands every joiner the state of all who came before.
 *   <li><b>Converge:</b> from the moment the last join returned until every node holds every
 *       node alive (and none suspect).
 *   <li><b>Detect:</b> the last node crashes; until every live node holds it dead.
 *   <li><b>Disseminate:</b> node 1 changes its metadata; until every node holds the new value.
 * </ol>
 *
 * <p>The formulas, for a cluster of n with the LAN profile ({@link Bounds} computes them):
 *
 * <ul>
 *   <li><b>Suspicion</b> (Lifeguard): {@code min = suspicionMult * max(1, log10 n) *
 *       probeInterval}, {@code max = suspicionMaxTimeoutMult * min}; at 1,000 nodes 12 s and
 *       72 s. A node's timer starts at max and falls to min once {@code suspicionMult - 2}
 *       independent confirmations arrive, which in a large cluster is at once: everyone probes.
 *   <li><b>Detection</b> is then: until the first probe of the crashed node (each of n-1
 *       nodes probes one node a second, so the wait is about exponential with a mean of one
 *       second; we allow 10 s, a chance of about 1 in 20,000 to exceed), plus the probe
 *       interval it takes to fail, plus the suspicion timeout (at least min, at most max),
 *       plus the dead message's dissemination (below). So {@code min <= detect <= 10 s +
 *       probeInterval + max + disseminate}.
 *   <li><b>Dissemination</b> of one new message: every holder sends it in its next gossip round
 *       (the queue sends the fewest-transmitted first) to {@code gossipNodes = f} random nodes,
 *       until it was sent {@code retransmitLimit = retransmitMult * ceil(log10(n + 1))} times
 *       (16 at 1,000). Push gossip with fanout f reaches all n nodes in about {@code
 *       log_(1+f)(n) + ln(n) / f} rounds (8 at 1,000, 1.6 s); SWIM sizes the retransmit limit
 *       so that it does with high probability. Bound: {@code retransmitLimit *
 *       gossipInterval} (3.2 s at 1,000), the time during which the first holder keeps sending
 *       it to {@code f} nodes a round.
 *   <li><b>Convergence</b> after a join storm: every node learns each of the n joins as an
 *       alive message and queues it (one per member), so each queue holds up to n messages and
 *       a packet carries {@code m = (udpBufferSize - 2) / (alive size + 2)} of them (20 here):
 *       a message can wait {@code ceil(n / (f * m))} rounds at each hop before it is sent. The
 *       estimate is the rumour rounds times that wait (25.6 s at 1,000). A rumour that dies out
 *       before reaching someone is mended by anti-entropy: every node exchanges its full state
 *       with a random node once per scaled push-pull interval ({@code pushPullScale(30 s, n)},
 *       180 s at 1,000). The bound is the estimate plus one such interval.
 * </ul>
 */
public final class ScaleScenario {
    /** Virtual time between two joins. */
    static final Duration JOIN_EVERY = Duration.ofMillis(10);

    private ScaleScenario() {}

    /** Traffic so far, summed over every node's transport. */
    public record Traffic(long packets, long packetBytes, long streamBytes) {
        Traffic minus(Traffic o) {
            return new Traffic(packets - o.packets, packetBytes - o.packetBytes, streamBytes - o.streamBytes);
        }
    }

    /**
     * One run.
     *
     * @param nodes cluster size
     * @param joinSpan virtual time from the first join to the last join's return
     * @param converge virtual time from the last join's return until converged, null if not within the limit
     * @param detect virtual time from the crash until every live node held it dead, null if not
     * @param disseminate virtual time from the update until every node held it, null if not
     * @param failedJoins joins that returned an error
     * @param tasks simulation tasks run
     * @param traffic per phase: join+converge, detect, disseminate
     * @param realMillis wall-clock time of the whole run
     * @param heapAfterConvergeMb heap in use after convergence and a full GC
     */
    public record Result(
            int nodes,
            Duration joinSpan,
            Duration converge,
            Duration detect,
            Duration disseminate,
            long failedJoins,
            long tasks,
            List<Traffic> traffic,
            long realMillis,
            long heapAfterConvergeMb) {}

    /** The formulas' values for a cluster of {@code n} on a config (see the class comment). */
    public record Bounds(
            int n,
            Duration suspicionMin,
            Duration suspicionMax,
            int retransmitLimit,
            Duration pushPullInterval,
            int rumourRounds,
            int messagesPerPacket,
            Duration disseminateEstimate,
            Duration disseminateBound,
            Duration detectMin,
            Duration detectBound,
            Duration convergeEstimate,
            Duration convergeBound) {

        /** Computes them for the config's timings. */
        public static Bounds of(Config c, int n) {
            long probe = c.getProbeInterval().toNanos();
            long gossip = c.getGossipInterval().toNanos();
            int f = c.getGossipNodes();
            long min = ProtocolMath.suspicionTimeout(c.getSuspicionMult(), n, probe);
            long max = c.getSuspicionMaxTimeoutMult() * min;
            int r = ProtocolMath.retransmitLimit(c.getRetransmitMult(), n);
            long pushPull = ProtocolMath.pushPullScale(c.getPushPullInterval().toNanos(), n);
            int rounds = (int) Math.ceil(Math.log(n) / Math.log(1 + f)) + (int) Math.ceil(Math.log(n) / f);
            // an alive message about a member named like ours, with no metadata
            int aliveSize = 1
                    + MessageCodec.encode(new Alive(1, "n-" + (n - 1), new byte[4], 20000, new byte[0], new byte[6]))
                            .length;
            int m = (c.getUdpBufferSize() - 2) / (aliveSize + 2);
            long disseminateEstimate = rounds * gossip;
            long disseminateBound = r * gossip;
            long detectBound = Duration.ofSeconds(10).toNanos() + probe + max + disseminateBound;
            long convergeEstimate = rounds * (long) Math.ceil((double) n / (f * m)) * gossip;
            long convergeBound = convergeEstimate + pushPull;
            return new Bounds(
                    n,
                    Duration.ofNanos(min),
                    Duration.ofNanos(max),
                    r,
                    Duration.ofNanos(pushPull),
                    rounds,
                    m,
                    Duration.ofNanos(disseminateEstimate),
                    Duration.ofNanos(disseminateBound),
                    Duration.ofNanos(min),
                    Duration.ofNanos(detectBound),
                    Duration.ofNanos(convergeEstimate),
                    Duration.ofNanos(convergeBound));
        }
    }

    /**
     * Runs the scenario on LAN timings.
     *
     * @param seed the simulation's seed
     * @param n cluster size, at least 4
     * @param log progress lines
     */
    public static Result run(long seed, int n, Consumer<String> log) {
        return run(seed, n, true, log);
    }

    /**
     * Runs the scenario on LAN timings, with or without compression.
     *
     * <p>Compression is a byte transform applied after a packet's messages are chosen (Go sizes a
     * packet by its uncompressed messages too), and the in-memory network's delays do not depend
     * on a packet's size: without it every node sends the same messages at the same virtual
     * times, so every virtual figure, task count and packet count is the same, only the bytes
     * differ. At 10,000 nodes LZW is most of the run's CPU (about 90 million packets).
     *
     * @param seed the simulation's seed
     * @param n cluster size, at least 4
     * @param compression Go's {@code EnableCompression}, on in the LAN profile
     * @param log progress lines
     */
    public static Result run(long seed, int n, boolean compression, Consumer<String> log) {
        return run(seed, n, compression, 1, log);
    }

    /**
     * Runs the scenario on LAN timings, on a simulation of {@code lanes} lanes side by side: the
     * same run for the same seed and lane count, a different one from another lane count.
     *
     * @param seed the simulation's seed
     * @param n cluster size, at least 4
     * @param compression Go's {@code EnableCompression}, on in the LAN profile
     * @param lanes the simulation's lanes ({@link dev.memberlist.test.simulation.Simulation})
     * @param log progress lines
     */
    public static Result run(long seed, int n, boolean compression, int lanes, Consumer<String> log) {
        if (n < 4) {
            throw new IllegalArgumentException("at least 4 nodes");
        }
        long t0 = System.nanoTime();
        Bounds b = Bounds.of(Config.lan(), n);
        try (SimCluster c =
                new SimCluster(seed, lanes, cfg -> cfg.setEnableCompression(compression)).recordEvents(false)) {
            c.startStaggered(n, Duration.ofMillis(2));
            log.accept(String.format("%d nodes started (real %d ms)", n, ms(t0)));

            long joinStart = c.sim.nanoTime();
            List<String> seedAddress = List.of(address(c, 0));
            List<CompletableFuture<Integer>> joins = new ArrayList<>();
            for (int i = 1; i < n; i++) {
                joins.add(c.node(i).joinAsync(seedAddress));
                c.sim.runFor(JOIN_EVERY);
            }
            c.runUntil(() -> joins.stream().allMatch(CompletableFuture::isDone), Duration.ofMinutes(5));
            long failed = joins.stream()
                    .filter(CompletableFuture::isCompletedExceptionally)
                    .count();
            Duration joinSpan = Duration.ofNanos(c.sim.nanoTime() - joinStart);
            log.accept(String.format("joins done after %s, %d failed (real %d ms)", joinSpan, failed, ms(t0)));

            Duration converge = c.runUntil(c::converged, b.convergeBound().plusMinutes(1));
            Traffic afterConverge = traffic(c);
            System.gc();
            long heap =
                    Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            log.accept(String.format("converged after %s (real %d ms, heap %d MB)", converge, ms(t0), heap >> 20));

            int victim = n - 1;
            c.crash(victim);
            Duration detect =
                    c.runUntil(() -> c.allSeeDead(victim), b.detectBound().plusMinutes(1));
            Traffic afterDetect = traffic(c);
            log.accept(String.format("crash detected after %s (real %d ms)", detect, ms(t0)));

            c.updateMeta(1, "zone=b");
            Duration meta = c.runUntil(
                    () -> c.allSeeMeta(1, "zone=b"), b.disseminateBound().plusMinutes(1));
            Traffic afterMeta = traffic(c);
            log.accept(String.format("metadata disseminated after %s (real %d ms)", meta, ms(t0)));

            return new Result(
                    n,
                    joinSpan,
                    converge,
                    detect,
                    meta,
                    failed,
                    c.sim.executedTasks(),
                    List.of(afterConverge, afterDetect.minus(afterConverge), afterMeta.minus(afterDetect)),
                    ms(t0),
                    heap >> 20);
        }
    }

    private static String address(SimCluster c, int i) {
        return "127.0.0.1:" + c.node(i).advertiseAddress().getPort();
    }

    private static Traffic traffic(SimCluster c) {
        long pkts = 0;
        long bytes = 0;
        long stream = 0;
        for (int i = 0; i < c.size(); i++) {
            MockTransport.Stats s = c.transport(i).stats();
            pkts += s.pktsOut();
            bytes += s.bytesOut();
            stream += s.streamBytesOut();
        }
        return new Traffic(pkts, bytes, stream);
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
