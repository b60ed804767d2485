package dev.memberlist.spring.boot.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.Memberlist;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.TestContextManager;

/**
 * A user's {@code @SpringBootTest} with nothing but the test module added: the application's
 * configuration binds 0.0.0.0:7946 and names a blackholed seed, the test sets nothing about
 * memberlist.
 */
@SpringBootTest(classes = TestApplication.class, properties = "spring.config.name=production")
class LoopbackDefaultsTests {

    @Autowired
    Memberlist memberlist;

    @Autowired
    Environment environment;

    @Test
    void theNodeBindsLoopbackOnAPortOfItsOwnAndJoinsNoSeed() {
        // the application's file was read (its other settings stand) ...
        assertThat(this.environment.getProperty("memberlist.label")).isEqualTo("from-production-yml");
        // ... but not its network settings
        InetSocketAddress address = this.memberlist.advertiseAddress();
        assertThat(address.getAddress().isLoopbackAddress()).isTrue();
        assertThat(address.getPort()).isPositive().isNotEqualTo(7946);
        assertThat(Binder.get(this.environment)
                        .bind("memberlist.seeds", Bindable.listOf(String.class))
                        .orElseGet(java.util.List::of))
                .isEmpty();
        assertThat(this.memberlist.isRunning()).isTrue();
        assertThat(this.memberlist.numMembers()).isEqualTo(1);
    }

    @Test
    void twoSuchContextsCoexist() throws Exception {
        // a second context of another configuration, loaded through the test context framework
        // (and its cache) as the next test class would be
        OtherTest other = new OtherTest();
        new TestContextManager(OtherTest.class).prepareTestInstance(other);
        assertThat(other.memberlist).isNotSameAs(this.memberlist);
        assertThat(other.memberlist.isRunning()).isTrue();
        assertThat(this.memberlist.isRunning()).isTrue();
        assertThat(other.memberlist.advertiseAddress().getPort())
                .isNotEqualTo(this.memberlist.advertiseAddress().getPort());
        // each is a cluster of one: they found no seed, and each other only if asked
        assertThat(other.memberlist.numMembers()).isEqualTo(1);
        // a test that does set seeds gets them: the two join
        assertThat(other.memberlist.join(java.util.List.of(
                        "127.0.0.1:" + this.memberlist.advertiseAddress().getPort())))
                .isEqualTo(1);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> this.memberlist.numMembers() == 2);
        other.memberlist.leave(Duration.ofSeconds(2));
    }

    @SpringBootTest(
            classes = TestApplication.class,
            properties = {"spring.config.name=production", "memberlist.name=other"})
    static class OtherTest {

        @Autowired
        Memberlist memberlist;
    }
}
