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
 * cluster; each one's page is open in one real, headless browser, loaded once and watched live
 * as a user would watch it: a tag set on one page and a broadcast sent from another show up in
 * the others' event feeds, a message goes from one to another, and an instance killed with
 * SIGKILL shows up as failed on the others' pages without a reload. As the README runs the
 * two-service demo, the first two run as service {@code greeter} and the third as service {@code
 * caller}, whose page calls {@code http://greeter/greeting} through Spring Cloud LoadBalancer and
 * the memberlist discovery client, and shows which greeter answered.
 *
 * <p>The tests share the three processes and the browser (starting JVMs is the slow part) and
 * run in order; the last one kills an instance. Every process's output is kept in {@code
 * target/it-logs/}.
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

    /** An event reaches a page in a gossip round or two; a busy machine gets a generous bound. */
    private static final Duration EVENT_ON_PAGE = Duration.ofSeconds(30);

    private LiveBrowser browser;

    /** Each instance's page, loaded once in the browser and never reloaded. */
    private final Map<SampleInstance, LiveBrowser.Page> pages = new LinkedHashMap<>();

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
        first.start(JAR, first.memberlistAddress(), List.of(), service(first));
        String firstName = awaitNodeName(first);
        this.names.put(first, firstName);
        for (SampleInstance other : this.instances.subList(1, 3)) {
            other.start(JAR, first.memberlistAddress(), List.of(), service(other));
        }
        for (SampleInstance other : this.instances.subList(1, 3)) {
            this.names.put(other, awaitNodeName(other));
        }
    }

    @AfterAll
    void stopAll() throws Exception {
        // kill even after a failure: stray JVMs would hold ports and slow every later build
        try {
            if (this.browser != null) {
                this.browser.close();
            }
        } finally {
            for (SampleInstance instance : this.instances) {
                instance.kill();
            }
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
    void thePageShowsTheLiveMemberTableAndTheJoinsInABrowser() throws Exception {
        this.browser = HeadlessChromium.find(LOGS).launch(1200, 900);
        for (SampleInstance instance : this.instances) {
            this.pages.put(instance, this.browser.open(instance.uri("/")));
        }
        for (SampleInstance instance : this.instances) {
            LiveBrowser.Page page = this.pages.get(instance);
            // rows are built by app.js from /actuator/memberlist: there only if the script ran
            await("the member table of " + page + " to show 3 alive members")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        assertThat(renderedRows(page))
                                .as("member rows rendered in %s", page)
                                .containsExactlyInAnyOrderEntriesOf(allIn("alive"));
                        assertThat(text(page, "#members")).contains("app=sample");
                    });
            // the feed was streamed by /events: the joins this node saw before the page opened
            List<String> others = this.names.entrySet().stream()
                    .filter((e) -> e.getKey() != instance)
                    .map(Map.Entry::getValue)
                    .toList();
            await("the feed of " + page + " to list the others' joins")
                    .atMost(EVENT_ON_PAGE)
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> assertThat(feed(page))
                            .filteredOn((line) -> line.kind().equals("joined"))
                            .extracting(FeedLine::member)
                            .containsAll(others));
        }
        // proof for the kill test that nothing reloads a page: a reload forgets this
        for (LiveBrowser.Page page : this.pages.values()) {
            page.evaluate("window.loadedOnce = true");
        }
    }

    @Test
    @Order(3)
    void aTagSetOnOnePageShowsAsAnUpdateOnTheOthers() {
        SampleInstance changed = this.instances.get(0);
        String name = this.names.get(changed);
        String color = "blue-" + ProcessHandle.current().pid();
        LiveBrowser.Page page = this.pages.get(changed);
        // as a user does it: fill in the page's form and submit it
        page.evaluate("document.getElementById('tag-name').value = 'color';"
                + "document.getElementById('tag-value').value = '" + color + "';"
                + "document.querySelector('#tag-form button').click()");
        for (SampleInstance other : this.instances.subList(1, 3)) {
            LiveBrowser.Page otherPage = this.pages.get(other);
            await("an update of " + name + " with color=" + color + " in the feed of " + otherPage)
                    .atMost(EVENT_ON_PAGE)
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> assertThat(feed(otherPage))
                            .filteredOn((line) -> line.kind().equals("updated"))
                            .filteredOn((line) -> name.equals(line.member()))
                            .flatExtracting(FeedLine::tags)
                            .contains("app=sample", "color=" + color));
        }
        assertThat(text(page, "#tag-result")).contains("color=" + color);
    }

    @Test
    @Order(4)
    void aBroadcastFromOnePageShowsOnTheOthers() {
        SampleInstance from = this.instances.get(1);
        String text = "hello, everyone, from pid " + ProcessHandle.current().pid();
        LiveBrowser.Page page = this.pages.get(from);
        page.evaluate("document.getElementById('broadcast-text').value = '" + text + "';"
                + "document.querySelector('#broadcast-form button').click()");
        String expected = this.names.get(from) + " broadcasts: " + text;
        // the page's POST answered first: a failure below is then about gossip or the feed
        await("the answer to the broadcast on " + page)
                .atMost(EVENT_ON_PAGE)
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(text(page, "#broadcast-result")).contains("queued on gossip"));
        for (SampleInstance other : List.of(this.instances.get(0), this.instances.get(2))) {
            LiveBrowser.Page otherPage = this.pages.get(other);
            await("the broadcast in the feed of " + otherPage)
                    .atMost(EVENT_ON_PAGE)
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> assertThat(feed(otherPage))
                            // which link broke: the node's listener logs each message it receives
                            .as(() -> "feed of " + otherPage + "; the log of " + other
                                    + (other.output().contains("Message received: " + expected) ? " has" : " lacks")
                                    + " the message")
                            .filteredOn((line) -> line.kind().equals("message"))
                            .extracting(FeedLine::text)
                            .contains(expected));
        }
        // gossip does not deliver a broadcast to its sender: its page says it sent it
        assertThat(feed(page))
                .filteredOn((line) -> line.kind().equals("broadcast"))
                .extracting(FeedLine::text)
                .contains(expected);
    }

    @Test
    @Order(5)
    void aMessageSentFromOneInstanceIsLoggedByAnotherAndShownOnItsPage() throws Exception {
        SampleInstance from = this.instances.get(0);
        SampleInstance to = this.instances.get(1);
        JsonNode answer = from.post("/messages", Map.of("to", this.names.get(to), "text", "hello from the IT"));
        assertThat(answer.path("sent").asBoolean())
                .as("answer to the send: %s", answer)
                .isTrue();
        String expected = this.names.get(from) + " says: hello from the IT";
        await("the message in the log of " + to)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(to.output()).contains("Message received: " + expected));
        await("the message in the feed of " + this.pages.get(to))
                .atMost(EVENT_ON_PAGE)
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(feed(this.pages.get(to)))
                        .extracting(FeedLine::text)
                        .contains(expected));
    }

    @Test
    @Order(6)
    void theCallersPageCallsTheGreeterServiceAndShowsWhichInstanceAnswered() {
        SampleInstance caller = this.instances.get(2);
        List<String> greeters = List.of(this.names.get(this.instances.get(0)), this.names.get(this.instances.get(1)));
        LiveBrowser.Page page = this.pages.get(caller);
        Set<String> answeredBy = ConcurrentHashMap.newKeySet();
        // as a user does it: press the button, read who answered; round robin reaches both
        await("both greeter instances answering the caller's page")
                .atMost(EVENT_ON_PAGE)
                .pollInterval(Duration.ofMillis(300))
                .untilAsserted(() -> {
                    // the answer to the previous press, if it came; then press again
                    JsonNode instance =
                            page.evaluate("document.getElementById('call-result').dataset.instance || null");
                    if (instance.isString()) {
                        answeredBy.add(instance.asString());
                        assertThat(text(page, "#call-result")).contains("Hello from " + instance.asString());
                    }
                    page.evaluate("document.querySelector('#call-form button').click()");
                    assertThat(answeredBy).containsExactlyInAnyOrderElementsOf(greeters);
                });
        // Spring Cloud's own discovery health indicator, over the memberlist discovery client
        JsonNode discovery = get(caller, "/actuator/health").path("components").path("discoveryComposite");
        assertThat(discovery.path("status").asString()).isEqualTo("UP");
        assertThat(discovery.toString()).contains("greeter", "caller");
    }

    @Test
    @Order(7)
    void aKilledInstanceIsDeclaredDeadByTheOthersAndTheirPagesShowItAsItHappens() throws Exception {
        // a greeter: the caller's calls then all go to the other one
        SampleInstance victim = this.instances.get(1);
        String victimName = this.names.get(victim);
        List<SampleInstance> survivors = List.of(this.instances.get(0), this.instances.get(2));
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
        // each survivor's page, loaded before the kill, gets the failure pushed to it
        for (SampleInstance survivor : survivors) {
            LiveBrowser.Page page = this.pages.get(survivor);
            await(victimName + " failed in the feed of " + page)
                    .atMost(FAILURE_DETECTION)
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> assertThat(feed(page))
                            .filteredOn((line) -> victimName.equals(line.member()))
                            .extracting(FeedLine::kind)
                            .contains("failed"));
            assertThat(page.evaluate("window.loadedOnce === true").asBoolean())
                    .as("%s still the page loaded before the kill, never reloaded", page)
                    .isTrue();
        }
        // the caller no longer routes to the dead greeter: every call answered by the other
        LiveBrowser.Page callerPage = this.pages.get(this.instances.get(2));
        String otherGreeter = this.names.get(this.instances.get(0));
        for (int i = 0; i < 5; i++) {
            callerPage.evaluate("document.getElementById('call-result').textContent = '';"
                    + "document.querySelector('#call-form button').click()");
            await("call " + (i + 1) + " after the kill answered by " + otherGreeter)
                    .atMost(EVENT_ON_PAGE)
                    .pollInterval(Duration.ofMillis(100))
                    .untilAsserted(
                            () -> assertThat(text(callerPage, "#call-result")).contains("answered by " + otherGreeter));
        }
        this.pages.get(survivors.get(1)).screenshot(SCREENSHOT);
        for (SampleInstance survivor : survivors) {
            assertThat(survivor.output())
                    .as("MembershipLogger's line in %s", survivor.log())
                    .contains("Member failed: " + victimName);
        }
    }

    /** As the README starts them: two instances of service greeter, then one of service caller. */
    private List<String> service(SampleInstance instance) {
        int index = this.instances.indexOf(instance);
        return List.of("--spring.application.name=" + ((index < 2) ? "greeter" : "caller"));
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

    /** Name to state of every member row the page rendered ({@code <tr data-member data-state>}). */
    private static Map<String, String> renderedRows(LiveBrowser.Page page) {
        JsonNode rows = page.evaluate("[...document.querySelectorAll('#member-rows tr[data-member]')]"
                + ".map((tr) => [tr.dataset.member, tr.dataset.state])");
        Map<String, String> states = new LinkedHashMap<>();
        for (JsonNode row : rows) {
            states.put(row.get(0).asString(), row.get(1).asString());
        }
        return states;
    }

    private static String text(LiveBrowser.Page page, String selector) {
        return page.evaluate("document.querySelector('" + selector + "').textContent")
                .asString();
    }

    /** The lines of the page's event feed, newest first, as app.js rendered them. */
    private static List<FeedLine> feed(LiveBrowser.Page page) {
        JsonNode lines = page.evaluate("[...document.querySelectorAll('#feed li[data-kind]')].map((li) => ({"
                + " kind: li.dataset.kind, member: li.dataset.member || null,"
                + " text: li.querySelector('.text') ? li.querySelector('.text').textContent : null,"
                + " tags: [...li.querySelectorAll('.tag')].map((t) => t.textContent) }))");
        List<FeedLine> feed = new ArrayList<>();
        for (JsonNode line : lines) {
            List<String> tags = new ArrayList<>();
            line.path("tags").forEach((tag) -> tags.add(tag.asString()));
            feed.add(new FeedLine(
                    line.path("kind").asString(),
                    line.path("member").isNull() ? null : line.path("member").asString(),
                    line.path("text").isNull() ? null : line.path("text").asString(),
                    tags));
        }
        return feed;
    }

    /**
     * One line of a page's event feed.
     *
     * @param kind joined, updated, left, failed, message or broadcast
     * @param member who it is about, or null
     * @param text a message's text, or null
     * @param tags the member's tags as shown, {@code name=value}
     */
    private record FeedLine(String kind, String member, String text, List<String> tags) {}
}
