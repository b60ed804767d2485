package dev.memberlist.spring.boot.autoconfigure;

import static dev.memberlist.spring.boot.autoconfigure.LoopbackApplications.awaitMembers;
import static dev.memberlist.spring.boot.autoconfigure.LoopbackApplications.seedOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.delegate.AliveDelegate;
import dev.memberlist.engine.delegate.EventDelegate;
import dev.memberlist.spring.boot.MemberlistBroadcaster;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.MemberlistTags;
import dev.memberlist.spring.boot.event.MemberMessageEvent;
import dev.memberlist.spring.boot.event.MemberUpdatedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * The runtime beans, {@link MemberlistTags} and {@link MemberlistBroadcaster}, in real
 * applications that form a cluster over loopback; and delegate beans that inject them and the
 * node.
 */
class RuntimeBeansTests {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final LoopbackApplications applications = new LoopbackApplications();

    @AfterEach
    void closeAll() {
        this.applications.close();
    }

    @Test
    void aTagChangedThroughMemberlistTagsReachesTheOtherContextsAsMemberUpdatedEvent() {
        ConfigurableApplicationContext n1 = start(Application.class, "n1", null, "memberlist.tags.zone=a");
        String seed = seedOf(n1);
        ConfigurableApplicationContext n2 = start(Application.class, "n2", seed);
        ConfigurableApplicationContext n3 = start(Application.class, "n3", seed);
        awaitMembers(3, n1, n2, n3);

        MemberlistTags tags = n1.getBean(MemberlistTags.class);
        tags.put("zone", "b").join();
        assertThat(tags.get()).containsExactly(Map.entry("zone", "b"));
        for (ConfigurableApplicationContext other : List.of(n2, n3)) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(other.getBean(Listener.class).updates)
                    .anySatisfy((event) -> {
                        assertThat(event.getNode().name()).isEqualTo("n1");
                        assertThat(event.getTags()).containsExactly(Map.entry("zone", "b"));
                    }));
            assertThat(MemberlistTags.of(other.getBean(Memberlist.class).node("n1")))
                    .containsExactly(Map.entry("zone", "b"));
        }

        tags.remove("zone").join();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(n2.getBean(Listener.class).updates)
                .anySatisfy((event) -> {
                    assertThat(event.getNode().name()).isEqualTo("n1");
                    assertThat(event.getTags()).isEmpty();
                }));
    }

    @Test
    void tagsThatNoLongerFitTheMetadataAreRefusedAndKeepTheOldOnes() {
        ConfigurableApplicationContext n1 =
                start(Application.class, "n1", null, "memberlist.tags.zone=a", "memberlist.meta-max-size=64");
        MemberlistTags tags = n1.getBean(MemberlistTags.class);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> tags.put("big", "x".repeat(100)))
                .withMessageContaining("memberlist.meta-max-size");
        assertThat(tags.get()).containsExactly(Map.entry("zone", "a"));
        assertThat(MemberlistTags.of(n1.getBean(Memberlist.class).localNode())).containsExactly(Map.entry("zone", "a"));
    }

    @Test
    void aBroadcastReachesEveryOtherContextAsAMessageEvent() {
        ConfigurableApplicationContext n1 = start(Application.class, "n1", null);
        String seed = seedOf(n1);
        ConfigurableApplicationContext n2 = start(Application.class, "n2", seed);
        ConfigurableApplicationContext n3 = start(Application.class, "n3", seed);
        awaitMembers(3, n1, n2, n3);

        n1.getBean(MemberlistBroadcaster.class).broadcast("hello from n1");
        for (ConfigurableApplicationContext other : List.of(n2, n3)) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(other.getBean(Listener.class).messages)
                    .contains("hello from n1"));
        }
        // the sender does not hear its own broadcast
        assertThat(n1.getBean(Listener.class).messages).doesNotContain("hello from n1");

        // and one member, directly
        n2.getBean(MemberlistBroadcaster.class)
                .send("n3", "just for n3".getBytes(StandardCharsets.UTF_8))
                .join();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(n3.getBean(Listener.class).messages)
                .contains("just for n3"));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> n1.getBean(MemberlistBroadcaster.class).broadcast(new byte[2000]))
                .withMessageContaining("one gossip packet");
    }

    @Test
    void delegateBeansMayInjectTheNodeTheTagsAndTheBroadcaster() {
        ConfigurableApplicationContext n1 = start(DelegateApplication.class, "n1", null);
        ConfigurableApplicationContext n2 = start(Application.class, "n2", seedOf(n1));
        awaitMembers(2, n1, n2);

        TaggingDelegate delegate = n1.getBean(TaggingDelegate.class);
        assertThat(delegate.memberlist).isSameAs(n1.getBean(Memberlist.class));
        assertThat(delegate.memberlist.isRunning()).isTrue();
        // the delegate reacts to n2's arrival through the beans it injected
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                        MemberlistTags.of(n2.getBean(Memberlist.class).node("n1")))
                .containsEntry("seen", "n2"));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(n2.getBean(Listener.class).messages)
                .contains("welcome n2"));
        assertThat(delegate.alive).contains("n2");
    }

    private ConfigurableApplicationContext start(Class<?> application, String name, String seed, String... more) {
        return this.applications.start(application, name, seed, more);
    }

    static class Listener {

        final List<MemberUpdatedEvent> updates = new CopyOnWriteArrayList<>();

        final List<String> messages = new CopyOnWriteArrayList<>();

        @EventListener
        void on(MemberUpdatedEvent event) {
            this.updates.add(event);
        }

        @EventListener
        void on(MemberMessageEvent event) {
            this.messages.add(event.getPayloadAsString());
        }
    }

    /** Tags itself with the last member it saw join and greets it, from the delegate queue. */
    static class TaggingDelegate implements EventDelegate, AliveDelegate {

        final Memberlist memberlist;

        final MemberlistTags tags;

        final MemberlistBroadcaster broadcaster;

        final List<String> alive = new CopyOnWriteArrayList<>();

        TaggingDelegate(
                Memberlist memberlist, MemberlistNode node, MemberlistTags tags, MemberlistBroadcaster broadcaster) {
            this.memberlist = memberlist;
            this.tags = tags;
            this.broadcaster = broadcaster;
        }

        @Override
        public void notifyJoin(Node node) {
            if (!node.name().equals(this.memberlist.name())) {
                this.tags.put("seen", node.name());
                this.broadcaster.broadcast("welcome " + node.name());
            }
        }

        @Override
        public void notifyAlive(Node peer) {
            this.alive.add(peer.name());
        }
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Application {

        @Bean
        Listener listener() {
            return new Listener();
        }
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class DelegateApplication {

        @Bean
        Listener listener() {
            return new Listener();
        }

        @Bean
        TaggingDelegate taggingDelegate(
                Memberlist memberlist, MemberlistNode node, MemberlistTags tags, MemberlistBroadcaster broadcaster) {
            return new TaggingDelegate(memberlist, node, tags, broadcaster);
        }
    }
}
