package dev.memberlist.bench.sim;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.sim.ScaleScenario;
import dev.memberlist.engine.sim.SlowMemberScenario;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The deterministic simulation at scale, and Lifeguard's experiment, from the command line
 * (issue 4). Runs on one thread with a virtual clock, so the figures are the same on every
 * machine for a seed; only the real time differs.
 *
 * <pre>
 * java -Xmx12g -jar memberlist-bench/target/memberlist-simbench.jar scale [--seed S] [--no-compression] [--lanes L] N...
 * java -jar memberlist-bench/target/memberlist-simbench.jar lifeguard [--nodes 25] [--seeds 1,2,3,4]
 *     [--delays 1500,5000,6000,8000] [--seconds 120]
 * </pre>
 *
 * <p>{@code scale} runs {@link ScaleScenario} for each size and prints its virtual times beside
 * the formulas' estimates and bounds, the traffic per node and the real time; {@code --lanes}
 * runs the simulation on that many threads side by side (the same figures for the same seed and
 * lane count, other figures than one lane's). {@code
 * lifeguard} runs {@link SlowMemberScenario} with one and three slow members, Lifeguard on and
 * off, for each delay, summing over the seeds.
 */
public final class SimBench {
    private SimBench() {}

    /** @param args {@code scale ...} or {@code lifeguard ...}, see the class comment */
    public static void main(String[] args) {
        // before any logger exists: every refuted accusation is a WARN, millions at scale
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        if (args.length == 0 || args[0].equals("scale")) {
            scale(args.length == 0 ? new String[0] : java.util.Arrays.copyOfRange(args, 1, args.length));
        } else if (args[0].equals("lifeguard")) {
            lifeguard(java.util.Arrays.copyOfRange(args, 1, args.length));
        } else {
            System.err.println("usage: SimBench scale [--seed S] N... | lifeguard [--nodes N] [--seeds a,b]"
                    + " [--delays ms,ms] [--seconds S]");
            System.exit(2);
        }
    }

    private static void scale(String[] args) {
        long seed = 1;
        boolean compression = true;
        int lanes = 1;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seed")) {
                seed = Long.parseLong(args[++i]);
            } else if (args[i].equals("--no-compression")) {
                compression = false;
            } else if (args[i].equals("--lanes")) {
                lanes = Integer.parseInt(args[++i]);
            } else {
                sizes.add(Integer.parseInt(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(1000, 2000, 5000);
        }
        System.out.printf(
                "seed %d, LAN profile%s, joins into node 0 every 10 ms, %d lane%s; %s, %d cores, max heap %d MB%n",
                seed,
                compression ? "" : " without compression",
                lanes,
                lanes == 1 ? "" : "s",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        // the run's figures depend on them (heap, collector, page size): the output says which
        System.out.println("  JVM options: "
                + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        List<String> rows = new ArrayList<>();
        for (int n : sizes) {
            ScaleScenario.Bounds b = ScaleScenario.Bounds.of(Config.lan(), n);
            ScaleScenario.Result r =
                    ScaleScenario.run(seed, n, compression, lanes, line -> System.out.println("  " + line));
            System.out.println("  " + b);
            // exact counts: two runs of one seed that print the same line took the same path
            System.out.println("  fingerprint: tasks " + r.tasks() + ", traffic " + r.traffic());
            rows.add(row(r, b));
        }
        System.out.println();
        System.out.println("| nodes | joins (virtual) | converge after last join | estimate / bound"
                + " | detect | min / bound | update | estimate / bound"
                + " | packets / node: join+converge, detect, update | KB sent / node: join+converge, detect, update"
                + " | heap after converge | real time |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        rows.forEach(System.out::println);
    }

    private static String row(ScaleScenario.Result r, ScaleScenario.Bounds b) {
        StringBuilder pkts = new StringBuilder();
        StringBuilder kb = new StringBuilder();
        for (ScaleScenario.Traffic t : r.traffic()) {
            if (pkts.length() > 0) {
                pkts.append(", ");
                kb.append(", ");
            }
            pkts.append(Math.round((double) t.packets() / r.nodes()));
            kb.append(String.format(Locale.ROOT, "%.1f", (t.packetBytes() + t.streamBytes()) / 1024.0 / r.nodes()));
        }
        return String.format(
                Locale.ROOT,
                "| %d | %s | %s | %s / %s | %s | %s / %s | %s | %s / %s | %s | %s | %d MB | %s |",
                r.nodes(),
                s(r.joinSpan()),
                s(r.converge()),
                s(b.convergeEstimate()),
                s(b.convergeBound()),
                s(r.detect()),
                s(b.detectMin()),
                s(b.detectBound()),
                s(r.disseminate()),
                s(b.disseminateEstimate()),
                s(b.disseminateBound()),
                pkts,
                kb,
                r.heapAfterConvergeMb(),
                s(Duration.ofMillis(r.realMillis())));
    }

    private static void lifeguard(String[] args) {
        int nodes = 25;
        long[] seeds = {1, 2, 3, 4};
        long[] delays = {1500, 5000, 6000, 8000};
        int seconds = 120;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                case "--seeds" -> seeds = longs(args[++i]);
                case "--delays" -> delays = longs(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.printf(
                "%d nodes, LAN profile, slow members receive everything D late for %d s; seeds %s; sums over the seeds%n",
                nodes, seconds, java.util.Arrays.toString(seeds));
        System.out.println();
        System.out.println("| delay D | slow | healthy declared dead: Lifeguard on | off | slow declared dead: on | off"
                + " | real time |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (long delay : delays) {
            for (int slow : new int[] {1, 3}) {
                long t0 = System.nanoTime();
                int[] on = sum(seeds, nodes, slow, true, delay, seconds);
                int[] off = sum(seeds, nodes, slow, false, delay, seconds);
                System.out.printf(
                        Locale.ROOT,
                        "| %.1f s | %d | %d %s | %d %s | %d | %d | %s |%n",
                        delay / 1000.0,
                        slow,
                        on[0],
                        perSeed(on),
                        off[0],
                        perSeed(off),
                        on[1],
                        off[1],
                        s(Duration.ofNanos(System.nanoTime() - t0)));
            }
        }
    }

    /** {healthy total, slow total, healthy per seed...}. */
    private static int[] sum(long[] seeds, int nodes, int slow, boolean lifeguard, long delayMs, int seconds) {
        int[] out = new int[2 + seeds.length];
        for (int i = 0; i < seeds.length; i++) {
            SlowMemberScenario.Result r = SlowMemberScenario.run(
                    seeds[i], nodes, slow, lifeguard, Duration.ofMillis(delayMs), Duration.ofSeconds(seconds));
            out[0] += r.healthyDeclaredDead();
            out[1] += r.slowDeclaredDead();
            out[2 + i] = r.healthyDeclaredDead();
        }
        return out;
    }

    private static String perSeed(int[] totals) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 2; i < totals.length; i++) {
            sb.append(i > 2 ? " " : "").append(totals[i]);
        }
        return sb.append(')').toString();
    }

    private static long[] longs(String csv) {
        return java.util.Arrays.stream(csv.split(","))
                .mapToLong(Long::parseLong)
                .toArray();
    }

    private static String s(Duration d) {
        if (d == null) {
            return "not within the limit";
        }
        return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
    }
}
