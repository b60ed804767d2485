package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.delegate.AliveDelegate;
import dev.memberlist.engine.delegate.CompositeDelegate;
import dev.memberlist.engine.delegate.ConflictDelegate;
import dev.memberlist.engine.delegate.EventDelegate;
import dev.memberlist.engine.delegate.MergeDelegate;
import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.engine.delegate.PingDelegate;
import java.util.List;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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

    private static final Log logger = LogFactory.getLog(MemberlistConfigurations.class);

    private MemberlistConfigurations() {}

    @Configuration(proxyBeanMethods = false)
    static class ConfigConfiguration {

        @Bean
        @ConditionalOnMissingBean
        Config memberlistConfig(MemberlistProperties properties) {
            return PropertiesConfigFactory.create(properties);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NodeConfiguration {

        @Bean
        @ConditionalOnMissingBean
        MemberlistEventPublisher memberlistEventPublisher(ApplicationEventPublisher applicationEventPublisher) {
            return new MemberlistEventPublisher(applicationEventPublisher);
        }

        @Bean
        @ConditionalOnMissingBean
        Memberlist memberlist(
                Config memberlistConfig,
                MemberlistProperties properties,
                MemberlistEventPublisher eventPublisher,
                ObjectProvider<NodeDelegate> nodeDelegates,
                ObjectProvider<EventDelegate> eventDelegates,
                ObjectProvider<ConflictDelegate> conflictDelegates,
                ObjectProvider<MergeDelegate> mergeDelegates,
                ObjectProvider<AliveDelegate> aliveDelegates,
                ObjectProvider<PingDelegate> pingDelegates,
                ObjectProvider<MemberlistConfigCustomizer> customizers) {
            // the Config bean may be the application's: change a copy
            Config config = memberlistConfig.copy();
            CompositeDelegate.Builder delegates = CompositeDelegate.builder();
            NodeDelegate userNode =
                    singleNodeDelegate(nodeDelegates.orderedStream().toList(), config.getDelegate());
            delegates.node(
                    new MemberlistNodeDelegate(MemberTags.encode(properties.getTags()), userNode, eventPublisher));
            // Spring events first: a failing delegate must not cost the listeners their event
            delegates.event(eventPublisher.eventDelegate());
            if (config.getEvents() != null) {
                delegates.event(isolated(config.getEvents()));
            }
            eventDelegates.orderedStream().forEach((d) -> delegates.event(isolated(d)));
            if (config.getConflict() != null) {
                delegates.conflict(config.getConflict());
            }
            conflictDelegates.orderedStream().forEach(delegates::conflict);
            // merge and alive delegates veto by throwing: they are not isolated
            if (config.getMerge() != null) {
                delegates.merge(config.getMerge());
            }
            mergeDelegates.orderedStream().forEach(delegates::merge);
            if (config.getAlive() != null) {
                delegates.alive(config.getAlive());
            }
            aliveDelegates.orderedStream().forEach(delegates::alive);
            if (config.getPing() != null) {
                delegates.ping(config.getPing());
            }
            pingDelegates.orderedStream().forEach(delegates::ping);
            CompositeDelegate composite = delegates.build();
            config.setDelegate(composite);
            config.setEvents(composite);
            config.setConflict(composite.hasConflicts() ? composite : null);
            config.setMerge(composite.hasMerges() ? composite : null);
            config.setAlive(composite.hasAlives() ? composite : null);
            config.setPing(composite.hasPings() ? composite : null);
            customizers.orderedStream().forEach((customizer) -> customizer.customize(config));
            Memberlist memberlist;
            try {
                memberlist = Memberlist.prepare(config);
            } catch (IllegalArgumentException ex) {
                throw new MemberlistStartupException(
                        "Invalid memberlist configuration: " + ex.getMessage(),
                        PropertiesConfigFactory.propertyFor(ex),
                        ex);
            }
            eventPublisher.bind(memberlist);
            return memberlist;
        }

        private static NodeDelegate singleNodeDelegate(List<NodeDelegate> beans, NodeDelegate fromConfig) {
            if (beans.size() > 1) {
                throw new IllegalStateException("memberlist: at most one NodeDelegate bean may be defined, "
                        + "since metadata and user state have one owner; found " + beans.size());
            }
            return beans.isEmpty() ? fromConfig : beans.get(0);
        }

        /** Keeps one failing listener from robbing the others of the event. */
        private static EventDelegate isolated(EventDelegate delegate) {
            return new EventDelegate() {
                @Override
                public void notifyJoin(Node node) {
                    run(() -> delegate.notifyJoin(node));
                }

                @Override
                public void notifyLeave(Node node) {
                    run(() -> delegate.notifyLeave(node));
                }

                @Override
                public void notifyUpdate(Node node) {
                    run(() -> delegate.notifyUpdate(node));
                }

                private void run(Runnable call) {
                    try {
                        call.run();
                    } catch (RuntimeException ex) {
                        logger.warn(
                                "memberlist: EventDelegate "
                                        + delegate.getClass().getName() + " failed",
                                ex);
                    }
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnSingleCandidate(Memberlist.class)
    static class LifecycleConfiguration {

        @Bean
        @ConditionalOnMissingBean
        MemberlistLifecycle memberlistLifecycle(Memberlist memberlist, MemberlistProperties properties) {
            return new MemberlistLifecycle(
                    memberlist,
                    properties.getSeeds(),
                    properties.getJoinTimeout(),
                    properties.getJoinRetryInterval(),
                    properties.getLeaveTimeout());
        }
    }
}
