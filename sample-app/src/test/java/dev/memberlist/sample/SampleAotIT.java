package dev.memberlist.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample's ahead-of-time processing, which the build runs ({@code spring-boot:process-aot}),
 * as a native image would use it: the GraalVM metadata in the jar carries the starter's hints
 * (from its {@code aot.factories}), and the jar started in AOT mode runs from the generated bean
 * definitions instead of its configuration classes.
 */
class SampleAotIT {

    private static final Path JAR = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));

    private static final Path LOGS = Path.of(System.getProperty("sample.logs", "target/it-logs"));

    /** Where Spring's AOT processing writes the GraalVM metadata of the application. */
    private static final String METADATA = "META-INF/native-image/dev.memberlist/sample-app/reachability-metadata.json";

    private SampleInstance instance;

    @AfterEach
    void kill() throws InterruptedException {
        if (this.instance != null) {
            this.instance.kill();
        }
    }

    @Test
    void theJarsNativeImageMetadataCarriesTheStartersHints() throws Exception {
        JsonNode metadata;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            ZipEntry entry = jar.getEntry(METADATA);
            assertThat(entry).as("%s in %s", METADATA, JAR).isNotNull();
            try (InputStream in = jar.getInputStream(entry)) {
                metadata = JsonMapper.builder().build().readTree(in);
            }
        }
        List<String> types = new ArrayList<>();
        metadata.path("reflection")
                .forEach((hint) -> types.add(hint.path("type").asString()));
        // what msgpack-core and Netty look up reflectively, see MemberlistRuntimeHints
        assertThat(types)
                .contains(
                        "sun.misc.Unsafe",
                        "org.msgpack.core.buffer.MessageBufferU",
                        "dev.memberlist.engine.transport.net.PacketHandler",
                        "dev.memberlist.engine.transport.net.StreamHandler");
        JsonNode buffer = hint(metadata, "org.msgpack.core.buffer.MessageBufferU");
        assertThat(buffer.path("methods").toString()).contains("<init>").contains("byte[]");
        assertThat(hint(metadata, "sun.misc.Unsafe").path("fields").toString()).contains("theUnsafe");
    }

    @Test
    void theJarRunsFromItsAotProcessedBeanDefinitions() throws Exception {
        this.instance = SampleInstance.onFreePorts("aot-instance", LOGS);
        // alone: it seeds itself, as the first instance of the README does
        this.instance.start(JAR, this.instance.memberlistAddress(), List.of("-Dspring.aot.enabled=true"));
        await(this.instance + " to serve its node, its tags and its health in AOT mode")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .failFast(this.instance + " exited, see " + this.instance.log(), () -> !this.instance.isAlive())
                .untilAsserted(() -> {
                    assertThat(this.instance
                                    .get("/actuator/memberlist")
                                    .path("local")
                                    .path("name")
                                    .asString())
                            .isNotEmpty();
                    assertThat(this.instance.get("/tags").path("app").asString())
                            .isEqualTo("sample");
                    assertThat(this.instance
                                    .get("/actuator/health")
                                    .path("components")
                                    .path("memberlist")
                                    .path("status")
                                    .asString())
                            .isEqualTo("UP");
                });
        // Spring Boot says so when it runs from the generated initializers
        assertThat(this.instance.output()).contains("Starting AOT-processed SampleApplication");
    }

    private static JsonNode hint(JsonNode metadata, String type) {
        for (JsonNode hint : metadata.path("reflection")) {
            if (type.equals(hint.path("type").asString())) {
                return hint;
            }
        }
        throw new AssertionError("no reflection hint for " + type);
    }
}
