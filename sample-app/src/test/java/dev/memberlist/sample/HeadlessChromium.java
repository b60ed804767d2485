package dev.memberlist.sample;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Debian's {@code chromium} run headless as a plain process, found on the {@code PATH} (or
 * installed once); {@link #launch} keeps it running for a {@link LiveBrowser}. No WebDriver and
 * no Java dependency; the DOM the test reads is the one the page's JavaScript built, so
 * asserting on it proves the script ran.
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

    /**
     * Starts the browser, kept running until closed, to open pages in and watch them live.
     *
     * @param width the window's width, for screenshots
     * @param height the window's height
     */
    LiveBrowser launch(int width, int height) throws IOException {
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
                // every tab runs its timers and event streams at full speed, not only the front one
                "--disable-background-timer-throttling",
                "--disable-backgrounding-occluded-windows",
                "--disable-renderer-backgrounding",
                "--hide-scrollbars",
                "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile));
        return LiveBrowser.launch(command, profile, this.workDirectory.resolve("chromium.log"));
    }
}
