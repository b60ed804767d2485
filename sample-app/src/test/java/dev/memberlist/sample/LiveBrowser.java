package dev.memberlist.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One headless Chromium kept running while a test watches its pages: each page is loaded once
 * and stays open, its scripts running in real time, and the test reads its DOM through the
 * DevTools protocol as often as it likes. What a page shows later without a reload (an event
 * pushed by the server) is seen only this way; a fresh {@code --dump-dom} loads the page again.
 *
 * <p>The DevTools protocol is JSON over a WebSocket: the JDK's {@link WebSocket} and Jackson
 * are all it takes, no WebDriver.
 */
final class LiveBrowser implements AutoCloseable {

    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final JsonMapper json = JsonMapper.builder().build();

    /** A DevTools call answers in milliseconds; this bounds a browser that hangs. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;

    private final Path profile;

    private final int port;

    private final List<Page> pages = new ArrayList<>();

    private LiveBrowser(Process process, Path profile, int port) {
        this.process = process;
        this.profile = profile;
        this.port = port;
    }

    /**
     * Starts the browser with DevTools on a port it picks itself, and waits until it listens.
     *
     * @param command the binary and its flags
     * @param profile a fresh profile directory, removed on {@link #close()}
     * @param log where the browser's output goes
     */
    static LiveBrowser launch(List<String> command, Path profile, Path log) throws IOException {
        List<String> full = new ArrayList<>(command);
        // port 0: the browser picks a free one and writes it to DevToolsActivePort in its profile
        full.add("--remote-debugging-port=0");
        full.add("about:blank");
        Process process = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Path activePort = profile.resolve("DevToolsActivePort");
        try {
            int port = await("chromium's DevTools port in " + activePort + " (see " + log + ")")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .failFast("chromium exited, see " + log, () -> !process.isAlive())
                    .until(
                            () -> Integer.parseInt(
                                    Files.readAllLines(activePort).get(0).trim()),
                            (p) -> p > 0);
            return new LiveBrowser(process, profile, port);
        } catch (RuntimeException | Error ex) {
            process.destroyForcibly();
            throw ex;
        }
    }

    /** Opens a new tab on the URL and connects to it; the page goes on loading in the background. */
    Page open(URI url) throws IOException, InterruptedException {
        // PUT: Chromium refuses GET for /json/new, so that no web page can open tabs
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/json/new?"
                        + URLEncoder.encode(url.toString(), StandardCharsets.UTF_8)))
                .timeout(CALL_TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("PUT /json/new: %s", response.body())
                .isEqualTo(200);
        JsonNode target = json.readTree(response.body());
        Page page = new Page(url, target.path("webSocketDebuggerUrl").asString());
        this.pages.add(page);
        return page;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Page page : this.pages) {
            page.close();
        }
        // the renderers, the GPU and crash handlers are the browser's children: stop them all,
        // or they outlive the test and go on writing to the profile
        List<ProcessHandle> all = new ArrayList<>(this.process.descendants().toList());
        all.add(this.process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException ex) {
                // gone already, or stuck: the profile below may then stay behind
            }
        }
        // a fresh profile each run, a few MB: removed
        try (Stream<Path> paths = Files.walk(this.profile)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** One open tab. */
    static final class Page implements WebSocket.Listener {

        private final URI url;

        private final WebSocket socket;

        private final AtomicInteger ids = new AtomicInteger();

        private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();

        private final StringBuilder partial = new StringBuilder();

        private Page(URI url, String debuggerUrl) {
            this.url = url;
            this.socket = http.newWebSocketBuilder()
                    .connectTimeout(CALL_TIMEOUT)
                    .buildAsync(URI.create(debuggerUrl), this)
                    .join();
        }

        /**
         * Evaluates a JavaScript expression in the page and returns its value, as JSON.
         *
         * @throws AssertionError when the expression throws
         */
        JsonNode evaluate(String expression) {
            JsonNode result = call(
                    "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
            if (result.has("exceptionDetails")) {
                throw new AssertionError(
                        "'" + expression + "' threw in " + this.url + ": " + result.path("exceptionDetails"));
            }
            return result.path("result").path("value");
        }

        /** Writes a PNG of what the page shows now. */
        void screenshot(Path png) throws IOException {
            JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png"));
            Files.write(png, Base64.getDecoder().decode(shot.path("data").asString()));
        }

        private JsonNode call(String method, Map<String, Object> params) {
            int id = this.ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            this.calls.put(id, answer);
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("id", id);
            message.put("method", method);
            message.put("params", params);
            try {
                this.socket
                        .sendText(json.writeValueAsString(message), true)
                        .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                JsonNode response = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                if (response.has("error")) {
                    throw new AssertionError(method + " failed in " + this.url + ": " + response.path("error"));
                }
                return response.path("result");
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError(method + " interrupted", ex);
            } catch (ExecutionException | TimeoutException ex) {
                throw new AssertionError(method + " got no answer from " + this.url, ex);
            } finally {
                this.calls.remove(id);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            // a big answer (a screenshot) comes in parts
            this.partial.append(data);
            if (last) {
                JsonNode message = json.readTree(this.partial.toString());
                this.partial.setLength(0);
                // events (no id) are not asked for; only answers are awaited
                CompletableFuture<JsonNode> call =
                        this.calls.get(message.path("id").asInt(-1));
                if (call != null) {
                    call.complete(message);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            this.calls.values().forEach((call) -> call.completeExceptionally(error));
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            IOException closed = new IOException("DevTools connection closed: " + statusCode + " " + reason);
            this.calls.values().forEach((call) -> call.completeExceptionally(closed));
            return null;
        }

        void close() {
            this.socket.abort();
        }

        @Override
        public String toString() {
            return "the page at " + this.url;
        }
    }
}
