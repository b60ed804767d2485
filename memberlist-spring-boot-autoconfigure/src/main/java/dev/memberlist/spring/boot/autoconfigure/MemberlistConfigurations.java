package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.spring.boot.MemberlistBroadcaster;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.MemberlistTags;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
        MemberlistNode memberlistNode(Memberlist memberlist, MemberlistProperties properties) {
            return new MemberlistNode(
                    memberlist,
                    properties.getSeeds(),
                    properties.getJoinTimeout(),
                    properties.getJoinRetryInterval(),
                    properties.getLeaveTimeout());
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
                MemberlistBroadcaster broadcaster) {
            MemberlistNode node = new MemberlistNode(
                    factory.get(),
                    properties.getSeeds(),
                    properties.getJoinTimeout(),
                    properties.getJoinRetryInterval(),
                    properties.getLeaveTimeout());
            node.attach(tags, broadcaster);
            return node;
        }

        @Bean
        Memberlist memberlist(MemberlistNode node) {
            return node.getMemberlist();
        }
    }
}
