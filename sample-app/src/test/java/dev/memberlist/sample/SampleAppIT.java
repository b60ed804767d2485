package dev.memberlist.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The sample as a user runs it: three {@code java -jar sample-app.jar} processes on one machine,
 * the second and third seeded with the first, differing only in their ports. They form a
 * cluster, the page shows it in a real browser, a message goes from one to another, and a
 * killed instance is declared dead by the other two.
 *
 * <p>The tests share the three processes (starting JVMs is the slow part) and run in order;
 * the last one kills an instance. Every process's output is kept in {@code target/it-logs/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleAppIT {

    /** Starting three Spring Boot JVMs on a busy two-core machine can take a while. */
    private static final Duration STARTUP = Duration.ofSeconds(180);

    /** The local profile declares a killed node dead in about 5 to 20 s. */
    private static final Duration FAILURE_DETECTION = Duration.ofSeconds(60);

    private static final Path JAR = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));

    private static final Path LOGS = Path.of(System.getProperty("sample.logs", "target/it-logs"));

    private static final Path SCREENSHOT = Path.of(System.getProperty("sample.screenshot", "target/sample-page.png"));

    private final List<SampleInstance> instances = new ArrayList<>();

    /** Each instance's node name, as it reports it. */
    private final Map<SampleInstance, String> names = new LinkedHashMap<>();

    @BeforeAll
    void startThreeInstances() throws Exception {
        assertThat(JAR)
                .as("the sample's executable jar, built in the package phase")
                .isRegularFile();
        for (int i = 1; i <= 3; i++) {
            this.instances.add(SampleInstance.onFreePorts("instance-" + i, LOGS));
        }
        SampleInstance first = this.instances.get(0);
        // the first one seeds itself, as the default configuration does on port 7946
        first.start(JAR, first.memberlistAddress());
        String firstName = awaitNodeName(first);
        this.names.put(first, firstName);
        for (SampleInstance other : this.instances.subList(1, 3)) {
            other.start(JAR, first.memberlistAddress());
        }
        for (SampleInstance other : this.instances.subList(1, 3)) {
            this.names.put(other, awaitNodeName(other));
        }
    }

    @AfterAll
    void stopAll() throws InterruptedException {
        // kill even after a failure: stray JVMs would hold ports and slow every later build
        for (SampleInstance instance : this.instances) {
            instance.kill();
        }
    }

    @Test
    @Order(1)
    void everyInstanceListsThreeAliveMembersAndIsHealthy() {
        assertThat(Set.copyOf(this.names.values()))
                .as("node names default to <host>-<bind port>, distinct per instance")
                .hasSize(3);
        for (SampleInstance instance : this.instances) {
            await("3 alive members listed by " + instance)
                    .atMost(STARTUP)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(states(instance.get("/actuator/memberlist")))
                            .as("members listed by %s", instance)
                            .containsExactlyInAnyOrderEntriesOf(allIn("alive")));
            await("memberlist health UP on " + instance)
                    .atMost(STARTUP)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        JsonNode memberlist = instance.get("/actuator/health")
                                .path("components")
                                .path("memberlist");
                        assertThat(memberlist.path("status").asString())
                                .as("memberlist health of %s: %s", instance, memberlist)
                                .isEqualTo("UP");
                        assertThat(memberlist
                                        .path("details")
                                        .path("members")
                                        .path("alive")
                                        .asInt())
                                .isEqualTo(3);
                    });
        }
        JsonNode local = get(this.instances.get(0), "/actuator/memberlist").path("local");
        assertThat(local.path("tags").path("app").asString())
                .as("the tag from application.yml")
                .isEqualTo("sample");
    }

    @Test
    @Order(2)
    void thePageShowsTheLiveMemberTableInABrowser() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find(LOGS);
        SampleInstance second = this.instances.get(1);
        String url = second.uri("/").toString();
        // rows are built by app.js from /actuator/memberlist: in the dump only if the script ran
        await("the page of " + second + " to show 3 alive members")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    String dom = chromium.dumpDom(url, 5000, "page-dom");
                    assertThat(renderedRows(dom))
                            .as("member rows rendered in %s (see %s)", url, LOGS.resolve("page-dom.html"))
                            .containsExactlyInAnyOrderEntriesOf(allIn("alive"));
                    assertThat(dom).contains(this.names.get(second)).contains("app=sample");
                });
        chromium.screenshot(url, 5000, SCREENSHOT, 1200, 800);
    }

    @Test
    @Order(3)
    void aMessageSentFromOneInstanceIsLoggedByAnother() throws Exception {
        SampleInstance from = this.instances.get(0);
        SampleInstance to = this.instances.get(1);
        JsonNode answer = from.post("/messages", Map.of("to", this.names.get(to), "text", "hello from the IT"));
        assertThat(answer.path("sent").asBoolean())
                .as("answer to the send: %s", answer)
                .isTrue();
        await("the message in the log of " + to)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(to.output())
                        .contains("Message received: " + this.names.get(from) + " says: hello from the IT"));
    }

    @Test
    @Order(4)
    void aKilledInstanceIsDeclaredDeadByTheOthers() throws Exception {
        SampleInstance victim = this.instances.get(2);
        String victimName = this.names.get(victim);
        List<SampleInstance> survivors = this.instances.subList(0, 2);
        victim.kill();
        // a dead node is forgotten after gossip-to-the-dead-time (15 s with the local profile),
        // so remember each survivor that has reported it dead instead of asking for both at once
        Set<SampleInstance> sawItDead = ConcurrentHashMap.newKeySet();
        await(victimName + " declared dead by " + survivors)
                .atMost(FAILURE_DETECTION)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    for (SampleInstance survivor : survivors) {
                        Map<String, String> states = states(survivor.get("/actuator/memberlist"));
                        if ("dead".equals(states.get(victimName))) {
                            sawItDead.add(survivor);
                        }
                    }
                    assertThat(sawItDead)
                            .as("survivors that listed %s as dead", victimName)
                            .containsExactlyInAnyOrderElementsOf(survivors);
                });
        for (SampleInstance survivor : survivors) {
            assertThat(survivor.output())
                    .as("MembershipLogger's line in %s", survivor.log())
                    .contains("Member failed: " + victimName);
        }
    }

    private String awaitNodeName(SampleInstance instance) {
        return await(instance + " to serve /actuator/memberlist")
                .atMost(STARTUP)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .failFast(instance + " exited, see " + instance.log(), () -> !instance.isAlive())
                .until(
                        () -> instance.get("/actuator/memberlist")
                                .path("local")
                                .path("name")
                                .asString(),
                        (name) -> name != null && !name.isEmpty());
    }

    private static JsonNode get(SampleInstance instance, String path) {
        try {
            return instance.get(path);
        } catch (Exception ex) {
            throw new AssertionError("GET " + path + " on " + instance + " failed, see " + instance.log(), ex);
        }
    }

    /** Every node's name, each with the given state. */
    private Map<String, String> allIn(String state) {
        Map<String, String> expected = new LinkedHashMap<>();
        this.names.values().forEach((name) -> expected.put(name, state));
        return expected;
    }

    /** Name to state of every member in an {@code /actuator/memberlist} answer. */
    private static Map<String, String> states(JsonNode memberlist) {
        Map<String, String> states = new LinkedHashMap<>();
        for (JsonNode member : memberlist.path("members")) {
            states.put(member.path("name").asString(), member.path("state").asString());
        }
        return states;
    }

    private static final Pattern ROW = Pattern.compile("<tr\\b[^>]*>");

    private static final Pattern MEMBER = Pattern.compile("data-member=\"([^\"]*)\"");

    private static final Pattern STATE = Pattern.compile("data-state=\"([^\"]*)\"");

    /** Name to state of every member row the page rendered ({@code <tr data-member data-state>}). */
    private static Map<String, String> renderedRows(String dom) {
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher row = ROW.matcher(dom);
        while (row.find()) {
            Matcher member = MEMBER.matcher(row.group());
            Matcher state = STATE.matcher(row.group());
            if (member.find() && state.find()) {
                rows.put(member.group(1), state.group(1));
            }
        }
        return rows;
    }
}
