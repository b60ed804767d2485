package dev.memberlist.spring.boot.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.test.AutoConfigureMemberlist.Network;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.SmartLifecycle;
import org.springframework.test.context.TestContextManager;

/**
 * Spring Framework 7's context cache pauses a cached context when the next test class uses
 * another one, and restarts it when a later test class reuses it. A test class reusing a cached
 * context must find its node still in its cluster: the node is the same one, never shut down,
 * and its peer never saw it fail or leave.
 */
class ContextCacheReuseTests {

    @Test
    void aContextReusedFromTheCacheAfterAnotherTestClassStillSeesItsCluster() throws Exception {
        TestContextManager firstClass = new TestContextManager(First.class);
        First first = runTestClass(firstClass, new First());
        Memberlist node = first.node.getMemberlist();
        assertThat(node.isRunning()).isTrue();

        // another test class, another context: the cache pauses the first one when it switches
        Second second = runTestClass(new TestContextManager(Second.class), new Second());
        assertThat(first.lifecycleProbe.stops.get())
                .as("the first context was paused (its pauseable beans stopped)")
                .isPositive();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> second.node.getMemberlist().numMembers() == 2);
        assertThat(node.isRunning())
                .as("the paused context's node kept running")
                .isTrue();
        long incarnation = second.node.getMemberlist().node(node.name()).incarnation();

        // a third test class reuses the first context from the cache
        First again = runTestClass(new TestContextManager(First.class), new First());
        assertThat(again.node.getMemberlist()).isSameAs(node);
        assertThat(again.lifecycleProbe.starts.get())
                .as("the context was restarted")
                .isGreaterThan(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(node.members())
                .extracting(Node::name)
                .containsExactlyInAnyOrder(
                        node.name(), second.node.getMemberlist().name()));
        Node seenBySecond = second.node.getMemberlist().node(node.name());
        assertThat(seenBySecond.state()).isEqualTo(NodeState.ALIVE);
        assertThat(seenBySecond.incarnation())
                .as("never refuted a suspicion: nobody doubted it while its context was paused")
                .isEqualTo(incarnation);
    }

    /** What JUnit does around a test class: load (or reuse) its context, inject, then release it. */
    private static <T> T runTestClass(TestContextManager manager, T instance) throws Exception {
        manager.beforeTestClass();
        manager.prepareTestInstance(instance);
        manager.afterTestClass();
        return instance;
    }

    @SpringBootTest(classes = {TestApplication.class, LifecycleProbe.class})
    @AutoConfigureMemberlist(network = Network.IN_MEMORY)
    static class First {

        @Autowired
        MemberlistNode node;

        @Autowired
        LifecycleProbe lifecycleProbe;
    }

    @SpringBootTest(classes = TestApplication.class, properties = "test.context=second")
    @AutoConfigureMemberlist(network = Network.IN_MEMORY)
    static class Second {

        @Autowired
        MemberlistNode node;
    }

    /** A pauseable bean, as a scheduler or a message listener is: shows when the cache paused the context. */
    @TestConfiguration(proxyBeanMethods = false)
    static class LifecycleProbe implements SmartLifecycle {

        final AtomicInteger starts = new AtomicInteger();

        final AtomicInteger stops = new AtomicInteger();

        private volatile boolean running;

        @Override
        public void start() {
            this.starts.incrementAndGet();
            this.running = true;
        }

        @Override
        public void stop() {
            this.stops.incrementAndGet();
            this.running = false;
        }

        @Override
        public boolean isRunning() {
            return this.running;
        }
    }
}
