package dev.memberlist.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium} run headless as a plain process: it loads a page, lets its scripts
 * run for a few seconds of virtual time, and prints the resulting DOM or writes a screenshot.
 * No WebDriver and no Java dependency; the DOM it prints is the one the page's JavaScript
 * built, so asserting on it proves the script ran.
 */
final class HeadlessChromium {

    private static final String BINARY = System.getProperty("sample.chromium", "chromium");

    private final Path binary;

    private final Path workDirectory;

    private HeadlessChromium(Path binary, Path workDirectory) {
        this.binary = binary;
        this.workDirectory = workDirectory;
    }

    /**
     * Finds chromium on the {@code PATH}; fails the test, never skips it, when it is missing: a
     * browser test that silently skips is a browser test that never runs.
     */
    static HeadlessChromium find(Path workDirectory) {
        Path found =
                Path.of(BINARY).isAbsolute() ? Path.of(BINARY) : onPath(BINARY).orElse(null);
        if (found == null && BINARY.equals("chromium")) {
            found = install();
        }
        if (found == null || !Files.isExecutable(found)) {
            fail("'" + BINARY + "' was not found on the PATH: the browser test needs headless Chromium."
                    + " Install it with: apt-get install -y chromium (or point -Dsample.chromium at a binary)");
        }
        return new HeadlessChromium(found, workDirectory);
    }

    /**
     * A fresh machine has no Chromium: install Debian's with interop/install-chromium.sh, as the
     * interop tests build the Go peer with interop/go-peer/build.sh (both need root once).
     */
    private static Path install() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("interop/install-chromium.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return null;
        }
        try {
            Process p = new ProcessBuilder(
                            "bash", dir.resolve("interop/install-chromium.sh").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && !out.isEmpty() ? Path.of(out) : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Arrays.stream(path.split(File.pathSeparator))
                .filter((dir) -> !dir.isEmpty())
                .map((dir) -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The page's DOM after its scripts ran for {@code virtualMillis} of virtual time. */
    String dumpDom(String url, int virtualMillis, String name) throws IOException, InterruptedException {
        Path dom = this.workDirectory.resolve(name + ".html");
        run(name, dom, "--virtual-time-budget=" + virtualMillis, "--dump-dom", url);
        return Files.readString(dom, StandardCharsets.UTF_8);
    }

    /** Writes a PNG of the page after its scripts ran for {@code virtualMillis} of virtual time. */
    void screenshot(String url, int virtualMillis, Path png, int width, int height)
            throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        run(
                "chromium-screenshot",
                null,
                "--virtual-time-budget=" + virtualMillis,
                "--hide-scrollbars",
                "--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath(),
                url);
        assertThat(png).as("screenshot written by chromium").isNotEmptyFile();
    }

    private void run(String name, Path stdout, String... arguments) throws IOException, InterruptedException {
        Files.createDirectories(this.workDirectory);
        Path profile = Files.createTempDirectory(this.workDirectory, "chromium-profile-");
        List<String> command = new ArrayList<>(List.of(
                this.binary.toString(),
                "--headless",
                // root in a container has no sandbox to offer
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                // nothing but the page: no updates, no sync, no first-run dialogs
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile));
        command.addAll(List.of(arguments));
        Path log = this.workDirectory.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.redirectOutput((stdout != null) ? stdout.toFile() : log.toFile());
        if (stdout == null) {
            builder.redirectErrorStream(true);
        }
        Process process = builder.start();
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                fail("chromium did not finish within 90 s: " + command + ", see " + log);
            }
            assertThat(process.exitValue())
                    .as("exit code of %s, see %s", command, log)
                    .isZero();
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            deleteRecursively(profile);
        }
    }

    /** A fresh profile each run (no cache, no state between runs), a few MB each: removed. */
    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
