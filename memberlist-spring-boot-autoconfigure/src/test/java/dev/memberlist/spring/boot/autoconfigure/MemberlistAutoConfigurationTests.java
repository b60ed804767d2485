package dev.memberlist.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.delegate.AliveDelegate;
import dev.memberlist.engine.delegate.ConflictDelegate;
import dev.memberlist.engine.delegate.EventDelegate;
import dev.memberlist.engine.delegate.MergeDelegate;
import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.engine.delegate.PingDelegate;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.MemberlistTags;
import dev.memberlist.spring.boot.event.MemberJoinedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Tests for {@link MemberlistAutoConfiguration}: beans, property binding, user beans, delegates.
 */
class MemberlistAutoConfigurationTests {

    /** Loopback and a free port, so that nothing collides. */
    static final String[] LOOPBACK = {
        "memberlist.bind-address=127.0.0.1", "memberlist.advertise-address=127.0.0.1", "memberlist.bind-port=0"
    };

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MemberlistAutoConfiguration.class))
            .withPropertyValues(LOOPBACK);

    @Test
    void createsStartedNodeConfigPropertiesAndLifecycle() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(Memberlist.class);
            assertThat(context).hasSingleBean(Config.class);
            assertThat(context).hasSingleBean(MemberlistProperties.class);
            assertThat(context).hasSingleBean(MemberlistNode.class);
            Memberlist memberlist = context.getBean(Memberlist.class);
            assertThat(memberlist.isRunning()).isTrue();
            assertThat(memberlist.advertiseAddress().getPort()).isPositive();
            assertThat(memberlist.members()).extracting(Node::name).containsExactly(memberlist.name());
        });
    }

    @Test
    void defaultsAreTheLanProfile() {
        this.contextRunner.run((context) -> {
            Config config = context.getBean(Config.class);
            assertThat(ConfigValues.of(config))
                    .isEqualTo(ConfigValues.of(Config.lan()
                            .setName(config.getName())
                            .setBindAddr("127.0.0.1")
                            .setAdvertiseAddr("127.0.0.1")
                            .setBindPort(0)
                            .setAdvertisePort(0)
                            // the starter rejoins its seeds every 30 s; Go has no rejoin
                            .setRejoinInterval(Duration.ofSeconds(30))));
        });
    }

    @Test
    void profileIsTheBase() {
        this.contextRunner.withPropertyValues("memberlist.profile=wan").run((context) -> {
            Config config = context.getBean(Config.class);
            assertThat(config.getProbeInterval()).isEqualTo(Config.wan().getProbeInterval());
            assertThat(config.getSuspicionMult()).isEqualTo(Config.wan().getSuspicionMult());
        });
        this.contextRunner
                .withPropertyValues("memberlist.profile=LOCAL", "memberlist.probe-timeout=300ms")
                .run((context) -> {
                    Config config = context.getBean(Config.class);
                    assertThat(config.getGossipInterval())
                            .isEqualTo(Config.local().getGossipInterval());
                    assertThat(config.getProbeTimeout()).isEqualTo(Duration.ofMillis(300));
                });
    }

    @Test
    void everyPropertyIsBound() {
        byte[] key1 = new byte[32];
        byte[] key2 = new byte[16];
        key1[0] = 1;
        key2[0] = 2;
        this.contextRunner
                .withPropertyValues(
                        "memberlist.name=node-a",
                        "memberlist.profile=wan",
                        "memberlist.advertise-port=17946",
                        "memberlist.label=prod",
                        "memberlist.skip-inbound-label-check=true",
                        "memberlist.compression=false",
                        "memberlist.encryption.keys[0]=" + Base64.getEncoder().encodeToString(key1),
                        "memberlist.encryption.keys[1]=" + Base64.getEncoder().encodeToString(key2),
                        "memberlist.probe-interval=2s",
                        "memberlist.probe-timeout=700ms",
                        "memberlist.indirect-checks=5",
                        "memberlist.gossip-interval=150ms",
                        "memberlist.gossip-nodes=6",
                        "memberlist.gossip-to-the-dead-time=45s",
                        "memberlist.suspicion-mult=7",
                        "memberlist.suspicion-max-timeout-mult=8",
                        "memberlist.retransmit-mult=9",
                        "memberlist.push-pull-interval=90s",
                        "memberlist.awareness-max-multiplier=10",
                        "memberlist.tcp-timeout=12s",
                        "memberlist.dead-node-reclaim-time=1m",
                        "memberlist.protocol-version=4",
                        "memberlist.udp-buffer-size=1300",
                        "memberlist.meta-max-size=600",
                        "memberlist.disable-tcp-pings=true",
                        "memberlist.gossip-verify-incoming=false",
                        "memberlist.gossip-verify-outgoing=false",
                        "memberlist.handoff-queue-depth=2048",
                        "memberlist.cidrs-allowed=127.0.0.0/8,10.0.0.0/8",
                        "memberlist.require-node-names=true",
                        "memberlist.reconnect-dead-nodes=false",
                        "memberlist.push-pull-after-join=false",
                        "memberlist.max-inbound-streams=64",
                        "memberlist.reconnect-timeout=2h",
                        "memberlist.seeds=127.0.0.1:1,other.invalid",
                        "memberlist.join-timeout=300ms",
                        "memberlist.join-retry-interval=1h",
                        "memberlist.leave-timeout=2s",
                        "memberlist.tags.zone=eu-1")
                .run((context) -> {
                    Config config = context.getBean(Config.class);
                    assertThat(config.getName()).isEqualTo("node-a");
                    assertThat(config.getBindAddr()).isEqualTo("127.0.0.1");
                    assertThat(config.getBindPort()).isZero();
                    assertThat(config.getAdvertiseAddr()).isEqualTo("127.0.0.1");
                    assertThat(config.getAdvertisePort()).isEqualTo(17946);
                    assertThat(config.getLabel()).isEqualTo("prod");
                    assertThat(config.isSkipInboundLabelCheck()).isTrue();
                    assertThat(config.isEnableCompression()).isFalse();
                    assertThat(config.getKeyring().getKeys()).containsExactly(key1, key2);
                    assertThat(config.getKeyring().getPrimaryKey()).isEqualTo(key1);
                    assertThat(config.getProbeInterval()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(config.getProbeTimeout()).isEqualTo(Duration.ofMillis(700));
                    assertThat(config.getIndirectChecks()).isEqualTo(5);
                    assertThat(config.getGossipInterval()).isEqualTo(Duration.ofMillis(150));
                    assertThat(config.getGossipNodes()).isEqualTo(6);
                    assertThat(config.getGossipToTheDeadTime()).isEqualTo(Duration.ofSeconds(45));
                    assertThat(config.getSuspicionMult()).isEqualTo(7);
                    assertThat(config.getSuspicionMaxTimeoutMult()).isEqualTo(8);
                    assertThat(config.getRetransmitMult()).isEqualTo(9);
                    assertThat(config.getPushPullInterval()).isEqualTo(Duration.ofSeconds(90));
                    assertThat(config.getAwarenessMaxMultiplier()).isEqualTo(10);
                    assertThat(config.getTcpTimeout()).isEqualTo(Duration.ofSeconds(12));
                    assertThat(config.getDeadNodeReclaimTime()).isEqualTo(Duration.ofMinutes(1));
                    assertThat(config.getProtocolVersion()).isEqualTo(4);
                    assertThat(config.getUdpBufferSize()).isEqualTo(1300);
                    assertThat(config.getMetaMaxSize()).isEqualTo(600);
                    assertThat(config.isDisableTcpPings()).isTrue();
                    assertThat(config.isGossipVerifyIncoming()).isFalse();
                    assertThat(config.isGossipVerifyOutgoing()).isFalse();
                    assertThat(config.getHandoffQueueDepth()).isEqualTo(2048);
                    assertThat(config.getCidrsAllowed()).containsExactly("127.0.0.0/8", "10.0.0.0/8");
                    assertThat(config.isRequireNodeNames()).isTrue();
                    assertThat(config.isReconnectDeadNodes()).isFalse();
                    assertThat(config.isPushPullAfterJoin()).isFalse();
                    assertThat(config.getMaxInboundStreams()).isEqualTo(64);
                    assertThat(config.getReconnectTimeout()).isEqualTo(Duration.ofHours(2));
                    // what is not engine config lives in the lifecycle and the node's metadata
                    MemberlistProperties properties = context.getBean(MemberlistProperties.class);
                    assertThat(properties.getSeeds()).containsExactly("127.0.0.1:1", "other.invalid");
                    assertThat(properties.getJoinTimeout()).isEqualTo(Duration.ofMillis(300));
                    assertThat(properties.getJoinRetryInterval()).isEqualTo(Duration.ofHours(1));
                    assertThat(properties.getLeaveTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(context.getBean(MemberlistNode.class).getSeeds())
                            .containsExactly("127.0.0.1:1", "other.invalid");
                    Memberlist memberlist = context.getBean(Memberlist.class);
                    assertThat(memberlist.name()).isEqualTo("node-a");
                    assertThat(MemberlistTags.of(memberlist.localNode())).containsExactly(Map.entry("zone", "eu-1"));
                    assertThat(memberlist.localNode().pCur()).isEqualTo(4);
                });
    }

    @Test
    void tagsAreTheNodeMetadata() {
        this.contextRunner
                .withPropertyValues("memberlist.tags.zone=eu-1", "memberlist.tags.version=1.2.3")
                .run((context) -> {
                    Node local = context.getBean(Memberlist.class).localNode();
                    assertThat(MemberlistTags.decode(local.meta()))
                            .contains(Map.of("zone", "eu-1", "version", "1.2.3"));
                });
    }

    @Test
    void defaultNamesDifferBetweenInstancesOnOneHost() {
        this.contextRunner.run((first) -> this.contextRunner.run((second) -> {
            String a = first.getBean(Memberlist.class).name();
            String b = second.getBean(Memberlist.class).name();
            assertThat(a).isNotEqualTo(b);
            assertThat(a).startsWith(PropertiesConfigFactory.defaultName(1).replaceAll("-1$", "-"));
        }));
    }

    @Test
    void customizersApplyInOrderAfterProperties() {
        this.contextRunner
                .withPropertyValues("memberlist.name=from-properties")
                .withUserConfiguration(CustomizerConfiguration.class)
                .run((context) -> {
                    assertThat(context.getBean(Memberlist.class).name()).isEqualTo("from-properties-first-second");
                    // the Config bean itself is left alone
                    assertThat(context.getBean(Config.class).getName()).isEqualTo("from-properties");
                });
    }

    @Test
    void userConfigBeanWins() {
        this.contextRunner.withUserConfiguration(UserConfigConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(Config.class);
            assertThat(context.getBean(Config.class)).isSameAs(context.getBean("myConfig"));
            assertThat(context.getBean(Memberlist.class).name()).isEqualTo("mine");
            assertThat(context.getBean(Memberlist.class).isRunning()).isTrue();
        });
    }

    @Test
    void userMemberlistBeanWinsAndIsStillStartedAndStopped() {
        AtomicReference<Memberlist> node = new AtomicReference<>();
        this.contextRunner
                .withUserConfiguration(UserMemberlistConfiguration.class)
                .run((context) -> {
                    assertThat(context).hasSingleBean(Memberlist.class);
                    Memberlist memberlist = context.getBean(Memberlist.class);
                    node.set(memberlist);
                    assertThat(memberlist).isSameAs(context.getBean("myMemberlist"));
                    assertThat(memberlist.name()).isEqualTo("user-node");
                    assertThat(memberlist.isRunning()).isTrue();
                });
        assertThat(node.get().isShutdown()).isTrue();
        assertThat(node.get().hasLeft()).isTrue();
    }

    @Test
    void disabledCreatesNothing() {
        this.contextRunner.withPropertyValues("memberlist.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(Memberlist.class);
            assertThat(context).doesNotHaveBean(Config.class);
            assertThat(context).doesNotHaveBean(MemberlistProperties.class);
            assertThat(context).doesNotHaveBean(MemberlistNode.class);
            assertThat(context).doesNotHaveBean(MemberlistEventPublisher.class);
        });
    }

    @Test
    void closingTheContextLeavesAndShutsDown() {
        AtomicReference<Memberlist> node = new AtomicReference<>();
        this.contextRunner.run((context) -> node.set(context.getBean(Memberlist.class)));
        assertThat(node.get().hasLeft()).isTrue();
        assertThat(node.get().isShutdown()).isTrue();
    }

    @Test
    void everyDelegateBeanIsComposed() {
        this.contextRunner.withUserConfiguration(DelegatesConfiguration.class).run((context) -> {
            Config config = context.getBean(CapturingCustomizer.class).config.get();
            Node peer = context.getBean(Memberlist.class).localNode();
            Recorder recorder = context.getBean(Recorder.class);
            config.getAlive().notifyAlive(peer);
            config.getMerge().notifyMerge(List.of(peer));
            config.getConflict().notifyConflict(peer, peer);
            config.getPing().notifyPingComplete(peer, Duration.ofMillis(1), null);
            assertThat(recorder.calls).contains("alive", "merge", "conflict", "ping");
            // both event delegates heard the local node's join at start, in @Order
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(recorder.calls).containsSubsequence("join-first", "join-second"));
        });
    }

    @Test
    void failingEventDelegateDoesNotStopTheOthers() {
        this.contextRunner
                .withUserConfiguration(FailingEventDelegateConfiguration.class)
                .run((context) -> {
                    Recorder recorder = context.getBean(Recorder.class);
                    await().atMost(Duration.ofSeconds(10))
                            .untilAsserted(() -> assertThat(recorder.calls).contains("join-after-failure"));
                });
    }

    @Test
    void userNodeDelegateIsHonoured() {
        this.contextRunner
                .withPropertyValues("memberlist.tags.zone=eu-1")
                .withUserConfiguration(NodeDelegateConfiguration.class)
                .run((context) -> {
                    Memberlist memberlist = context.getBean(Memberlist.class);
                    // its metadata wins over the tags
                    assertThat(memberlist.localNode().metaString()).isEqualTo("custom-meta");
                    // and it gets the user messages the starter also publishes
                    Config config =
                            context.getBean(CapturingCustomizer.class).config.get();
                    config.getDelegate().notifyMsg("hello".getBytes(StandardCharsets.UTF_8));
                    assertThat(context.getBean(Recorder.class).calls).contains("msg:hello");
                    assertThat(config.getDelegate().localState(true)).isEqualTo(new byte[] {42});
                });
    }

    @Test
    void twoNodeDelegatesAreRefused() {
        this.contextRunner
                .withUserConfiguration(TwoNodeDelegatesConfiguration.class)
                .run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasMessageContaining("at most one NodeDelegate");
                });
    }

    @Test
    void membershipEventsArePublishedOffTheProtocolThread() {
        this.contextRunner
                .withUserConfiguration(EventCollectorConfiguration.class)
                .run((context) -> {
                    EventCollector collector = context.getBean(EventCollector.class);
                    Memberlist memberlist = context.getBean(Memberlist.class);
                    await().atMost(Duration.ofSeconds(10)).until(() -> !collector.events.isEmpty());
                    MemberJoinedEvent joined = collector.events.get(0);
                    assertThat(joined.isLocal()).isTrue();
                    assertThat(joined.getNode().name()).isEqualTo(memberlist.name());
                    assertThat(joined.getMemberlist()).isSameAs(memberlist);
                    assertThat(collector.threads)
                            .isNotEmpty()
                            .allMatch((thread) -> thread.startsWith(MemberlistEventPublisher.THREAD_PREFIX));
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomizerConfiguration {

        @Bean
        @Order(2)
        MemberlistConfigCustomizer second() {
            return (config) -> config.setName(config.getName() + "-second");
        }

        @Bean
        @Order(1)
        MemberlistConfigCustomizer first() {
            return (config) -> config.setName(config.getName() + "-first");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserConfigConfiguration {

        @Bean
        Config myConfig() {
            return Config.local().setName("mine").setBindAddr("127.0.0.1").setBindPort(0);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserMemberlistConfiguration {

        @Bean
        Memberlist myMemberlist() {
            return Memberlist.prepare(
                    Config.local().setName("user-node").setBindAddr("127.0.0.1").setBindPort(0));
        }
    }

    static class Recorder {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    }

    static class CapturingCustomizer implements MemberlistConfigCustomizer {
        final AtomicReference<Config> config = new AtomicReference<>();

        @Override
        public void customize(Config config) {
            this.config.set(config);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class DelegatesConfiguration {

        @Bean
        Recorder recorder() {
            return new Recorder();
        }

        @Bean
        CapturingCustomizer capturingCustomizer() {
            return new CapturingCustomizer();
        }

        @Bean
        @Order(2)
        EventDelegate secondEvents(Recorder recorder) {
            return new EventDelegate() {
                @Override
                public void notifyJoin(Node node) {
                    recorder.calls.add("join-second");
                }
            };
        }

        @Bean
        @Order(1)
        EventDelegate firstEvents(Recorder recorder) {
            return new EventDelegate() {
                @Override
                public void notifyJoin(Node node) {
                    recorder.calls.add("join-first");
                }
            };
        }

        @Bean
        AliveDelegate aliveDelegate(Recorder recorder) {
            return (peer) -> recorder.calls.add("alive");
        }

        @Bean
        MergeDelegate mergeDelegate(Recorder recorder) {
            return (peers) -> recorder.calls.add("merge");
        }

        @Bean
        ConflictDelegate conflictDelegate(Recorder recorder) {
            return (existing, other) -> recorder.calls.add("conflict");
        }

        @Bean
        PingDelegate pingDelegate(Recorder recorder) {
            return new PingDelegate() {
                @Override
                public void notifyPingComplete(Node other, Duration rtt, byte[] payload) {
                    recorder.calls.add("ping");
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class FailingEventDelegateConfiguration {

        @Bean
        Recorder recorder() {
            return new Recorder();
        }

        @Bean
        @Order(1)
        EventDelegate failing() {
            return new EventDelegate() {
                @Override
                public void notifyJoin(Node node) {
                    throw new IllegalStateException("boom");
                }
            };
        }

        @Bean
        @Order(2)
        EventDelegate afterFailure(Recorder recorder) {
            return new EventDelegate() {
                @Override
                public void notifyJoin(Node node) {
                    recorder.calls.add("join-after-failure");
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NodeDelegateConfiguration {

        @Bean
        Recorder recorder() {
            return new Recorder();
        }

        @Bean
        CapturingCustomizer capturingCustomizer() {
            return new CapturingCustomizer();
        }

        @Bean
        NodeDelegate nodeDelegate(Recorder recorder) {
            return new NodeDelegate() {
                @Override
                public byte[] nodeMeta(int limit) {
                    return "custom-meta".getBytes(StandardCharsets.UTF_8);
                }

                @Override
                public void notifyMsg(byte[] msg) {
                    recorder.calls.add("msg:" + new String(msg, StandardCharsets.UTF_8));
                }

                @Override
                public byte[] localState(boolean join) {
                    return new byte[] {42};
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoNodeDelegatesConfiguration {

        @Bean
        NodeDelegate one() {
            return new NodeDelegate() {};
        }

        @Bean
        NodeDelegate two() {
            return new NodeDelegate() {};
        }
    }

    static class EventCollector implements ApplicationListener<MemberJoinedEvent> {
        final List<MemberJoinedEvent> events = Collections.synchronizedList(new ArrayList<>());
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onApplicationEvent(MemberJoinedEvent event) {
            this.threads.add(Thread.currentThread().getName());
            this.events.add(event);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class EventCollectorConfiguration {

        @Bean
        EventCollector eventCollector() {
            return new EventCollector();
        }
    }
}
