package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.discovery.DnsSeedProvider;
import dev.memberlist.engine.discovery.SeedProvider;
import dev.memberlist.spring.boot.MemberlistBroadcaster;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.MemberlistTags;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.core.annotation.Order;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Configurations imported by {@link MemberlistAutoConfiguration}, in this order.
 */
abstract class MemberlistConfigurations {

    /**
     * Room a gossip packet keeps for the protocol around a user broadcast: the compound and
     * user-message headers, a CRC, encryption's version, nonce and tag, and the longest label.
     */
    private static final int BROADCAST_FRAMING = 320;

    private MemberlistConfigurations() {}

    static MemberlistNode node(
            Supplier<Memberlist> factory, MemberlistProperties properties, ApplicationEventPublisher eventPublisher) {
        MemberlistNode node = new MemberlistNode(
                factory,
                properties.getSeeds(),
                properties.getJoinTimeout(),
                properties.getJoinRetryInterval(),
                properties.getLeaveTimeout());
        node.setJoinFailFast(properties.isJoinFailFast());
        node.setEventPublisher(eventPublisher);
        return node;
    }

    /** Seeds set, and none written as "name/host:port" (a provider finds addresses, not names). */
    static class DiscoverableSeedsCondition extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            List<String> seeds = Binder.get(context.getEnvironment())
                    .bind("memberlist.seeds", Bindable.listOf(String.class))
                    .orElse(List.of());
            MemberlistProperties properties = new MemberlistProperties();
            properties.setSeeds(seeds);
            return properties.hasDiscoverableSeeds()
                    ? ConditionOutcome.match("memberlist.seeds can be looked up afresh")
                    : ConditionOutcome.noMatch("memberlist.seeds is empty or names nodes");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ConfigConfiguration {

        @Bean
        @ConditionalOnMissingBean
        Config memberlistConfig(MemberlistProperties properties) {
            return PropertiesConfigFactory.create(properties);
        }
    }

    /** The application defined its own {@link Memberlist}: start and stop it, nothing more. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnSingleCandidate(Memberlist.class)
    static class ApplicationNodeConfiguration {

        @Bean
        @ConditionalOnMissingBean
        MemberlistNode memberlistNode(
                Memberlist memberlist, MemberlistProperties properties, ApplicationEventPublisher eventPublisher) {
            AtomicBoolean given = new AtomicBoolean();
            Supplier<Memberlist> theApplications = () -> {
                if (given.getAndSet(true)) {
                    throw new IllegalStateException(
                            "The application's own Memberlist bean cannot run again once "
                                    + "stopped; define a Config bean instead, and the starter creates a fresh node at each start");
                }
                return memberlist;
            };
            return node(theApplications, properties, eventPublisher);
        }
    }

    /**
     * The application defined several {@link Memberlist} beans and no {@link MemberlistNode}:
     * rather than run none of them, start-up fails with a report saying how to run several.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(Memberlist.class)
    @ConditionalOnMissingBean(MemberlistNode.class)
    static class SeveralApplicationNodesConfiguration {

        @Bean
        MemberlistNode memberlistNode(ListableBeanFactory beanFactory) {
            throw new SeveralMemberlistBeansException(List.of(beanFactory.getBeanNamesForType(Memberlist.class)));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(Memberlist.class)
    static class NodeConfiguration {

        @Bean
        @ConditionalOnMissingBean
        MemberlistEventPublisher memberlistEventPublisher(ApplicationEventPublisher applicationEventPublisher) {
            return new MemberlistEventPublisher(applicationEventPublisher);
        }

        @Bean
        @ConditionalOnMissingBean
        MemberlistTags memberlistTags(MemberlistProperties properties, Config memberlistConfig) {
            return new MemberlistTags(properties.getTags(), memberlistConfig.getMetaMaxSize());
        }

        @Bean
        @ConditionalOnMissingBean
        MemberlistBroadcaster memberlistBroadcaster(Config memberlistConfig) {
            return new MemberlistBroadcaster(
                    memberlistConfig.getRetransmitMult(), memberlistConfig.getUdpBufferSize() - BROADCAST_FRAMING);
        }

        /**
         * The seeds, looked up afresh at every join and rejoin attempt. An application's own
         * {@link SeedProvider} bean (a registry, a cloud API) takes its place.
         */
        @Bean
        @ConditionalOnMissingBean(SeedProvider.class)
        @Conditional(DiscoverableSeedsCondition.class)
        DnsSeedProvider memberlistSeedProvider(MemberlistProperties properties) {
            int port = (properties.getBindPort() != 0)
                    ? properties.getBindPort()
                    : Config.lan().getBindPort();
            return new DnsSeedProvider(
                    properties.getSeeds(), port, properties.dnsServerAddresses(), Duration.ofSeconds(5));
        }

        @Bean
        @Order(0)
        MemberlistConfigCustomizer memberlistSeedProviderCustomizer(ObjectProvider<SeedProvider> seedProvider) {
            return (config) -> {
                SeedProvider provider = seedProvider.getIfAvailable();
                if (provider != null && config.getSeedProvider() == null) {
                    config.setSeedProvider(provider);
                }
            };
        }

        @Bean
        MemberlistFactory memberlistFactory(
                Config memberlistConfig,
                MemberlistTags tags,
                MemberlistBroadcaster broadcaster,
                MemberlistEventPublisher eventPublisher,
                ListableBeanFactory beanFactory,
                ObjectProvider<MemberlistConfigCustomizer> customizers) {
            return new MemberlistFactory(memberlistConfig, tags, broadcaster, eventPublisher, beanFactory, customizers);
        }

        @Bean
        @ConditionalOnMissingBean
        MemberlistNode memberlistNode(
                MemberlistFactory factory,
                MemberlistProperties properties,
                MemberlistTags tags,
                MemberlistBroadcaster broadcaster,
                ApplicationEventPublisher eventPublisher,
                ObjectProvider<SeedProvider> seedProvider) {
            MemberlistNode node = node(factory, properties, eventPublisher);
            node.setSeedsFromProvider(seedProvider.getIfAvailable() != null);
            node.attach(tags, broadcaster);
            node.setKeyring(factory.config().getKeyring());
            node.setLabel(factory.config().getLabel());
            return node;
        }

        /**
         * The node running now. Prototype, because after the context is stopped and started it
         * is a fresh node: every lookup returns the live one, while a reference injected earlier
         * keeps the old one ({@link MemberlistNode#getMemberlist()} is always current).
         */
        @Bean
        @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
        Memberlist memberlist(MemberlistNode node) {
            return node.getMemberlist();
        }
    }
}
