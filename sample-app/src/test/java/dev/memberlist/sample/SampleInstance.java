package dev.memberlist.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One instance of the sample started as a user starts it: {@code java -jar sample-app.jar} in
 * its own process, with only its ports (and its seed) given on the command line. Its output
 * goes to a file, kept for diagnosis.
 */
final class SampleInstance {

    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final JsonMapper json = JsonMapper.builder().build();

    /** Ports handed out in this JVM: a port freed by one probe must not go to two instances. */
    private static final Set<Integer> usedPorts = new HashSet<>();

    private final String id;

    private final int httpPort;

    private final int memberlistPort;

    private final Path log;

    private Process process;

    private SampleInstance(String id, int httpPort, int memberlistPort, Path log) {
        this.id = id;
        this.httpPort = httpPort;
        this.memberlistPort = memberlistPort;
        this.log = log;
    }

    /** An instance on free ports, not started yet. */
    static SampleInstance onFreePorts(String id, Path logDirectory) {
        return new SampleInstance(id, freeTcpPort(), freeTcpAndUdpPort(), logDirectory.resolve(id + ".log"));
    }

    /**
     * Starts the jar.
     *
     * @param jar the executable jar
     * @param seed the member to join, as {@code host:port}
     */
    void start(Path jar, String seed) throws IOException {
        start(jar, seed, List.of());
    }

    /**
     * Starts the jar with more JVM options.
     *
     * @param jar the executable jar
     * @param seed the member to join, as {@code host:port}
     * @param jvmOptions such as {@code -Dspring.aot.enabled=true}
     */
    void start(Path jar, String seed, List<String> jvmOptions) throws IOException {
        Files.createDirectories(this.log.getParent());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // three JVMs share what may be a small CI machine: a small heap, one GC thread, quick JIT
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.add("--server.port=" + this.httpPort);
        command.add("--memberlist.bind-port=" + this.memberlistPort);
        command.add("--memberlist.seeds=" + seed);
        this.process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(this.log.toFile())
                .start();
    }

    /** Kills the process without warning (SIGKILL): no leave, the others must detect the failure. */
    void kill() throws InterruptedException {
        if (this.process != null && this.process.isAlive()) {
            this.process.destroyForcibly();
            this.process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    boolean isAlive() {
        return this.process != null && this.process.isAlive();
    }

    /** {@code host:port} of the memberlist listener, for seeding others. */
    String memberlistAddress() {
        return "127.0.0.1:" + this.memberlistPort;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + this.httpPort + path);
    }

    /** GETs JSON; throws when the instance does not answer, which {@code untilAsserted} retries. */
    JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        return json.readTree(send(request));
    }

    /** POSTs a JSON body and returns the JSON answer, whatever its status. */
    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                .build();
        return json.readTree(send(request));
    }

    private String send(HttpRequest request) throws IOException, InterruptedException {
        if (!isAlive()) {
            throw new IllegalStateException(this + " is not running (exit code " + exitCode() + "), see " + this.log);
        }
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private String exitCode() {
        return (this.process != null && !this.process.isAlive()) ? String.valueOf(this.process.exitValue()) : "-";
    }

    /** What the process printed so far. */
    String output() {
        try {
            return Files.readString(this.log, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    Path log() {
        return this.log;
    }

    @Override
    public String toString() {
        return this.id + " (http " + this.httpPort + ", memberlist " + this.memberlistPort + ")";
    }

    private static synchronized int freeTcpPort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (usedPorts.add(tcp.getLocalPort())) {
                    return tcp.getLocalPort();
                }
            } catch (IOException ex) {
                // try another
            }
        }
        throw new IllegalStateException("no free TCP port");
    }

    /** memberlist listens on UDP and TCP on one port, so both must be free. */
    private static synchronized int freeTcpAndUdpPort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    DatagramSocket udp = new DatagramSocket(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()))) {
                if (usedPorts.add(udp.getLocalPort())) {
                    return udp.getLocalPort();
                }
            } catch (IOException ex) {
                // the UDP side was taken: try another
            }
        }
        throw new IllegalStateException("no port free for both TCP and UDP");
    }
}
