package dev.memberlist.spring.boot.autoconfigure.metrics;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.metrics.Metrics;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.autoconfigure.MemberlistAutoConfiguration;
import dev.memberlist.spring.boot.autoconfigure.MemberlistConfigCustomizer;
import dev.memberlist.spring.boot.autoconfigure.OnSeveralMemberlistNodesCondition;
import dev.memberlist.spring.boot.metrics.MemberlistMeterBinder;
import dev.memberlist.spring.boot.metrics.MemberlistMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.annotation.Order;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for memberlist metrics: the engine reports
 * its meters to the application's {@link MeterRegistry} through {@link MemberlistMetrics}, and
 * a {@link MemberlistMeterBinder} adds gauges read from the node (from each node, when the
 * application runs several {@link MemberlistNode}s; each node's own {@code Config} then says
 * where its engine meters go, for example {@code config.setMetrics(new
 * MemberlistMetrics(registry, config::getName))}).
 *
 * <p>The metrics customizer runs at order 0, before the application's own {@link
 * MemberlistConfigCustomizer}s (unordered ones come last), and leaves alone a sink that is
 * already set (by a {@code Config} bean): an application's own sink wins.
 */
@AutoConfiguration(
        after = {
            MetricsAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class,
            MemberlistAutoConfiguration.class
        })
@ConditionalOnClass({Memberlist.class, MeterRegistry.class, MetricsAutoConfiguration.class})
@ConditionalOnBooleanProperty(name = "memberlist.enabled", matchIfMissing = true)
@ConditionalOnBean(MeterRegistry.class)
public final class MemberlistMetricsAutoConfiguration {

    @Bean
    @Order(0)
    @ConditionalOnMissingBean(name = "memberlistMetricsCustomizer")
    MemberlistConfigCustomizer memberlistMetricsCustomizer(ObjectProvider<MeterRegistry> registry) {
        return (config) -> {
            if (config.getMetrics() == Metrics.NOOP) {
                // the registry is looked up when the node is created, by when it is complete;
                // the name is read at the first meter, after every customizer had its say
                config.setMetrics(new MemberlistMetrics(registry.getObject(), config::getName));
            }
        };
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(MemberlistNode.class)
    MemberlistMeterBinder memberlistMeterBinder(MemberlistNode node) {
        return new MemberlistMeterBinder(node::getMemberlist);
    }

    /** Several nodes of the application's: the gauges of each, told apart by the node tag. */
    @Bean
    @ConditionalOnMissingBean(name = "memberlistMeterBinders")
    @Conditional(OnSeveralMemberlistNodesCondition.class)
    MeterBinder memberlistMeterBinders(Map<String, MemberlistNode> nodes) {
        return (registry) ->
                nodes.values().forEach((node) -> new MemberlistMeterBinder(node::getMemberlist).bindTo(registry));
    }
}
