package dev.memberlist.engine.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reference Go memberlist peer ({@code interop/go-peer}, Debian's memberlist 0.2.2),
 * started as a process and driven by the line protocol of {@code peer-protocol.md}. Built on
 * first use by {@code interop/go-peer/build.sh}, which installs Go and the package with
 * apt-get when they are missing.
 */
public final class GoPeer implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Path binary;

    private final Process process;
    private final Writer stdin;
    private final List<Map<String, Object>> events = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private GoPeer(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(this::readEvents, "go-peer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** The project root: the {@code memberlist.root} system property, else the nearest folder with interop/. */
    public static Path projectRoot() {
        String prop = System.getProperty("memberlist.root");
        if (prop != null && Files.isDirectory(Path.of(prop, "interop"))) {
            return Path.of(prop);
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("interop/go-peer"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find interop/go-peer above "
                    + Path.of("").toAbsolutePath() + "; set -Dmemberlist.root to the project root");
        }
        return p;
    }

    /** Builds the Go peer once (see interop/go-peer/build.sh) and returns its path. */
    public static synchronized Path binary() {
        if (binary != null) {
            return binary;
        }
        String env = System.getenv("GO_PEER");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return binary = Path.of(env);
        }
        Path script = projectRoot().resolve("interop/go-peer/build.sh");
        try {
            Process p = new ProcessBuilder("bash", script.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0 || out.isEmpty()) {
                throw new IllegalStateException("building the Go peer failed: " + script
                        + " (it needs apt-get access the first time; run it once as root)");
            }
            String[] lines = out.split("\n");
            return binary = Path.of(lines[lines.length - 1].trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the Go peer with peer-protocol flags, e.g. {@code -nodes 2 -port 27000}. */
    public static GoPeer start(String... flags) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary().toString());
        cmd.addAll(Arrays.asList(flags));
        return startCommand(cmd);
    }

    /** Starts any program that speaks peer-protocol.md (the Java peer, for one), driven the same way. */
    public static GoPeer startCommand(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new GoPeer(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private void readEvents() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.startsWith("{")) {
                    continue;
                }
                try {
                    events.add(JSON.readValue(line, Map.class));
                } catch (RuntimeException e) {
                    // not an event line
                }
                synchronized (events) {
                    events.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static List<Map<String, Object>> recent(List<Map<String, Object>> events) {
        List<Map<String, Object>> interesting =
                events.stream().filter(ev -> !"members".equals(ev.get("ev"))).toList();
        return interesting.subList(Math.max(0, interesting.size() - 25), interesting.size());
    }

    /** Sends one command line. */
    public synchronized void send(String command) {
        try {
            stdin.write(command + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("go peer is gone", e);
        }
    }

    /** Every event so far. */
    public List<Map<String, Object>> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** True when some event so far matches. */
    public boolean saw(Predicate<Map<String, Object>> p) {
        return events().stream().anyMatch(p);
    }

    /** Waits for a matching event (already seen ones count). */
    public Map<String, Object> await(Predicate<Map<String, Object>> p, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (Map<String, Object> e : events) {
                    if (p.test(e)) {
                        return e;
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                    throw new AssertionError("no matching event from the Go peer within " + timeout + "; last events: "
                            + recent(events));
                }
                try {
                    events.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Asks node {@code i} for its members and returns the answer. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> members(int i, String self) {
        int before = events().size();
        send("members " + i);
        Map<String, Object> e = await(
                ev -> "members".equals(ev.get("ev")) && self.equals(ev.get("self")) && events().indexOf(ev) >= before,
                Duration.ofSeconds(10));
        Object ms = e.get("members");
        return ms == null ? List.of() : (List<Map<String, Object>>) ms;
    }

    /** An event predicate: {@code ev} equals kind and every given key equals its value. */
    public static Predicate<Map<String, Object>> event(String kind, String... keyValues) {
        return e -> {
            if (!kind.equals(e.get("ev"))) {
                return false;
            }
            for (int i = 0; i + 1 < keyValues.length; i += 2) {
                if (!keyValues[i + 1].equals(String.valueOf(e.get(keyValues[i])))) {
                    return false;
                }
            }
            return true;
        };
    }

    /** Quits the peer, killing it if it does not exit. */
    @Override
    public void close() {
        try {
            send("quit");
        } catch (RuntimeException e) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Kills the process outright. */
    public void kill() {
        process.destroyForcibly();
    }

    /**
     * A user broadcast reaches each node with high probability, not certainty: every holder
     * sends it a limited number of times ({@code RetransmitMult * ceil(log10(n + 1))}, 2 on the
     * local profile) and nothing repairs a miss. So {@code send} puts out a fresh copy (number
     * {@code i}) every 3 s until {@code done}; what a test checks is that broadcasts cross.
     */
    public static void rebroadcastUntil(IntConsumer send, BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; ; i++) {
            send.accept(i);
            try {
                Awaitility.await().atMost(Duration.ofSeconds(3)).until(done::getAsBoolean);
                return;
            } catch (ConditionTimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    /** A {@code msg} event seen by {@code self} whose data starts with {@code prefix}. */
    public static Predicate<Map<String, Object>> msgStartingWith(String self, String prefix) {
        return e -> "msg".equals(e.get("ev"))
                && self.equals(e.get("self"))
                && String.valueOf(e.get("data")).startsWith(prefix);
    }
}
