package dev.memberlist.engine.sim;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.sim.FaultScenarios.LossResult;
import dev.memberlist.engine.sim.FaultScenarios.PartitionResult;
import dev.memberlist.engine.sim.FaultScenarios.Restart;
import dev.memberlist.engine.sim.FaultScenarios.RestartResult;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The fault scenarios of the scenario tests at full size, on the simulation (LAN timings,
 * virtual time, deterministic per seed), printed as Markdown tables.
 *
 * <pre>
 * mvn -B -q -pl memberlist-engine test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/test.cp
 * java -cp memberlist-engine/target/test-classes:memberlist-engine/target/classes:$(cat memberlist-engine/target/test.cp) \
 *     dev.memberlist.engine.sim.FaultBench 128 10 3
 * </pre>
 *
 * Arguments: nodes (default 128), minutes of lossy running (default 10), seeds (default 3), and
 * the sections to run (default {@code loss,partition,restart}).
 */
public final class FaultBench {
    private FaultBench() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        // optional: only these sections (loss, partition, restart), comma-separated
        String only = args.length > 3 ? args[3] : "loss,partition,restart";
        long t0 = System.nanoTime();
        // the protocol's warnings (refutations, TCP fallbacks) would drown the tables
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.OFF);
        Config lan = Config.lan();
        System.out.printf(
                Locale.ROOT,
                "%d nodes, LAN timings, seeds 1..%d. Bounds at this size: detection %s, push-pull + dissemination %s,"
                        + " dissemination %s.%n%n",
                n,
                seeds,
                s(FaultScenarios.detectionBound(lan, n)),
                s(FaultScenarios.pushPullBound(lan, n)),
                s(FaultScenarios.dissemination(lan, n)));

        if (only.contains("loss")) {
            loss(n, minutes, seeds);
        }
        if (only.contains("partition")) {
            partition(n, seeds);
        }
        if (only.contains("restart")) {
            restart(n, seeds);
        }
        System.out.printf(Locale.ROOT, "%nReal time: %d s%n", (System.nanoTime() - t0) / 1_000_000_000L);
    }

    private static void loss(int n, int minutes, int seeds) {
        System.out.printf(
                "### Loss on every link (packets), %d virtual minutes, then a crash and a metadata update%n%n",
                minutes);
        System.out.println("| loss | TCP pings | seed | healthy declared dead (nodes) | refutations | first declared | "
                + "dead everywhere | metadata everywhere | packets lost |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (double loss : new double[] {0.10, 0.25, 0.50}) {
            for (boolean tcp : new boolean[] {true, false}) {
                UnaryOperator<Config> cfg = c -> c.setDisableTcpPings(!tcp);
                for (long seed = 1; seed <= seeds; seed++) {
                    LossResult r = FaultScenarios.loss(n, loss, seed, Duration.ofMinutes(minutes), cfg);
                    System.out.printf(
                            Locale.ROOT,
                            "| %.0f%% | %s | %d | %d (%d) | %d | %s | %s | %s | %d of %d |%n",
                            loss * 100,
                            tcp ? "on" : "off",
                            seed,
                            r.falseDeaths(),
                            r.falselyDeclared(),
                            r.refutations(),
                            s(r.firstDeclared()),
                            s(r.detect()),
                            s(r.meta()),
                            r.stats().lost(),
                            r.stats().packets());
                }
            }
        }
    }

    private static void partition(int n, int seeds) {
        System.out.printf("%n### Partition into two halves, then heal%n%n");
        System.out.println("| heal | seed | other side dead everywhere | failures declared | cross entries at heal "
                + "| alive everywhere after heal | nodes that refuted | refuted alive everywhere "
                + "| cross entries at the end |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (String variant : new String[] {
            "5 s after, join 1 s later",
            "at once, no join",
            "5 s after, no join",
            "3 min after (all reaped), no join",
            "5 s after, no join, as Go"
        }) {
            for (long seed = 1; seed <= seeds; seed++) {
                PartitionResult r =
                        switch (variant) {
                            case "5 s after, join 1 s later" -> FaultScenarios.partition(
                                    n,
                                    seed,
                                    Duration.ofSeconds(5),
                                    Duration.ofSeconds(1),
                                    Duration.ofMinutes(5),
                                    c -> c);
                                // reconnecting is on by default where the cluster has a label
                            case "at once, no join" -> FaultScenarios.partition(
                                    n, seed, Duration.ZERO, null, Duration.ofMinutes(5), c -> c.setLabel("a"));
                            case "5 s after, no join" -> FaultScenarios.partition(
                                    n, seed, Duration.ofSeconds(5), null, Duration.ofMinutes(5), c -> c.setLabel("a"));
                            case "3 min after (all reaped), no join" -> FaultScenarios.partition(
                                    n, seed, Duration.ofMinutes(3), null, Duration.ofMinutes(5), c -> c.setLabel("a"));
                                // Go's behaviour: push-pull never contacts a node held dead
                            default -> FaultScenarios.partition(
                                    n,
                                    seed,
                                    Duration.ofSeconds(5),
                                    null,
                                    Duration.ofMinutes(5),
                                    c -> c.setReconnectDeadNodes(false));
                        };
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %d | %s | %d | %d | %s | %d | %s | %d |%n",
                        variant,
                        seed,
                        s(r.splitDead()),
                        r.deadDeclarations(),
                        r.crossKnownAtHeal(),
                        r.healed() == null ? "not within 5 min" : s(r.healed()),
                        r.refuted().size(),
                        r.refutedAliveEverywhere() ? "yes" : "no",
                        r.crossKnown());
            }
        }
    }

    private static void restart(int n, int seeds) {
        System.out.printf("%n### Restart under the same name (incarnation 4 before, 1 after the restart)%n%n");
        System.out.println("| how | seed | gone everywhere | alive everywhere after its join | incarnation after "
                + "| conflicts reported |");
        System.out.println("|---|---|---|---|---|---|");
        for (Restart how : Restart.values()) {
            for (boolean reclaim :
                    how == Restart.NEW_PORT_RECLAIM ? new boolean[] {true, false} : new boolean[] {true}) {
                for (long seed = 1; seed <= seeds; seed++) {
                    AtomicInteger conflicts = new AtomicInteger();
                    UnaryOperator<Config> cfg = c -> c.setDeadNodeReclaimTime(
                                    how == Restart.NEW_PORT_RECLAIM && reclaim ? Duration.ofSeconds(5) : Duration.ZERO)
                            .setConflict((existing, other) -> conflicts.incrementAndGet());
                    RestartResult r = FaultScenarios.restart(
                            n,
                            seed,
                            how,
                            how == Restart.NEW_PORT_AFTER_LEAVE ? Duration.ofSeconds(1) : Duration.ofSeconds(6),
                            Duration.ofMinutes(5),
                            cfg);
                    String label =
                            switch (how) {
                                case SAME_ADDRESS -> "crash, same address, down 6 s";
                                case NEW_PORT_RECLAIM -> reclaim
                                        ? "crash, new port, DeadNodeReclaimTime 5 s, down 6 s"
                                        : "crash, new port, no reclaim time, down 6 s";
                                case NEW_PORT_AFTER_LEAVE -> "leave, new port, down 1 s";
                            };
                    System.out.printf(
                            Locale.ROOT,
                            "| %s | %d | %s | %s | %d | %d |%n",
                            label,
                            seed,
                            s(r.gone()),
                            s(r.alive()),
                            r.newIncarnation(),
                            conflicts.get());
                }
            }
        }
    }

    private static String s(Duration d) {
        return d == null ? "never" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
