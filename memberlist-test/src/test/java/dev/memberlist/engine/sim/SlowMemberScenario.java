package dev.memberlist.engine.sim;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.NodeState;
import dev.memberlist.engine.state.ProtocolMath;
import dev.memberlist.test.fault.DelayedInboundTransport;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Lifeguard's experiment ({@code fp-bench.py}) on the simulation: a LAN cluster in which the
 * last few members become slow (everything they receive reaches their protocol a fixed delay
 * late) for a while, counting who is declared dead.
 *
 * <p>Counted as fp-bench counts them: every {@code leave} event with state {@link
 * NodeState#DEAD}, whoever observed it, split by whether the member declared dead was healthy
 * (a false positive Lifeguard exists to remove) or one of the slow ones (slow, but alive).
 *
 * <p>Nodes start a random 0-100 ms apart, as fp-bench's processes do: nodes started at the same
 * virtual instant would gossip in lockstep, so every rumour (a refutation included) would wait
 * a whole gossip interval per hop, and the race between a refutation and a suspicion timeout
 * would be biased against the refutation.
 */
public final class SlowMemberScenario {
    /**
     * What one run counted.
     *
     * @param healthyDeclaredDead dead declarations about healthy members, by any observer
     * @param slowDeclaredDead dead declarations about the slow members
     * @param convergedAfter once the suspicions left over from the degradation were waited out,
     *     the virtual time until every member again held every member alive, or null if that did
     *     not happen within two minutes
     */
    public record Result(int healthyDeclaredDead, int slowDeclaredDead, Duration convergedAfter) {}

    private SlowMemberScenario() {}

    /**
     * Runs one experiment.
     *
     * @param seed the simulation's seed
     * @param nodes cluster size
     * @param slow how many members (the last ones) are slow
     * @param lifeguard false turns awareness and dynamic suspicion off (Go's
     *     AwarenessMaxMultiplier=1, SuspicionMaxTimeoutMult=1), as fp-bench's {@code --lifeguard off}
     * @param delay how late the slow members receive everything
     * @param degraded how long they stay slow
     */
    public static Result run(long seed, int nodes, int slow, boolean lifeguard, Duration delay, Duration degraded) {
        DelayedInboundTransport[] slowTransports = new DelayedInboundTransport[nodes];
        try (SimCluster c = new SimCluster(seed, cfg -> lifeguard ? cfg : lifeguardOff(cfg), (i, t, s) -> {
            if (i < nodes - slow) {
                return t;
            }
            slowTransports[i] = new DelayedInboundTransport(t, s);
            return slowTransports[i];
        })) {
            c.startStaggered(nodes, Duration.ofMillis(100));
            c.joinAllToFirst();
            if (c.runUntil(c::converged, Duration.ofMinutes(2)) == null) {
                throw new IllegalStateException(
                        "seed " + seed + ": the cluster did not converge before the experiment");
            }
            c.sim.runFor(Duration.ofSeconds(2));
            int from = c.events().size();
            Set<String> slowNames = new HashSet<>();
            for (int i = nodes - slow; i < nodes; i++) {
                slowTransports[i].setInboundDelay(delay);
                slowNames.add(c.node(i).name());
            }
            c.sim.runFor(degraded);
            for (int i = nodes - slow; i < nodes; i++) {
                slowTransports[i].setInboundDelay(Duration.ZERO);
            }
            // fp-bench stops counting 3 s after the end; we wait out every suspicion that may
            // still be running (at most the longest timeout), which can only count more
            Config lan = Config.lan();
            long longest = lan.getSuspicionMaxTimeoutMult()
                    * ProtocolMath.suspicionTimeout(
                            lan.getSuspicionMult(),
                            nodes,
                            lan.getProbeInterval().toNanos());
            c.sim.runFor(Duration.ofNanos(longest).plusSeconds(3));
            List<SimCluster.Event> events = c.events();
            int healthy = 0;
            int slowCount = 0;
            for (SimCluster.Event e : events.subList(from, events.size())) {
                if (e.kind().equals("leave") && e.state() == NodeState.DEAD) {
                    if (slowNames.contains(e.node())) {
                        slowCount++;
                    } else {
                        healthy++;
                    }
                }
            }
            Duration healed = c.runUntil(c::converged, Duration.ofMinutes(2));
            return new Result(healthy, slowCount, healed);
        }
    }

    /** Go's way to run without Lifeguard: no local health awareness, fixed suspicion timeouts. */
    public static Config lifeguardOff(Config c) {
        return c.setAwarenessMaxMultiplier(1).setSuspicionMaxTimeoutMult(1);
    }
}
