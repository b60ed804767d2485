package dev.memberlist.spring.boot.autoconfigure.metrics;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.metrics.MicrometerMetrics;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.autoconfigure.MemberlistAutoConfiguration;
import dev.memberlist.spring.boot.autoconfigure.MemberlistConfigCustomizer;
import dev.memberlist.spring.boot.metrics.MemberlistMeterBinder;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for memberlist metrics: the engine reports
 * its meters (Go memberlist's names) to the application's {@link MeterRegistry}, and a {@link
 * MemberlistMeterBinder} adds gauges read from the node.
 */
@AutoConfiguration(
        after = {
            MetricsAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class,
            MemberlistAutoConfiguration.class
        })
@ConditionalOnClass({Memberlist.class, MeterRegistry.class, MetricsAutoConfiguration.class})
@ConditionalOnBean(MeterRegistry.class)
public final class MemberlistMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "memberlistMetricsCustomizer")
    MemberlistConfigCustomizer memberlistMetricsCustomizer(ObjectProvider<MeterRegistry> registry) {
        // looked up when the node is created, by when the registry is complete
        return (config) -> config.setMetrics(new MicrometerMetrics(registry.getObject()));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(MemberlistNode.class)
    MemberlistMeterBinder memberlistMeterBinder(MemberlistNode node) {
        return new MemberlistMeterBinder(node::getMemberlist);
    }
}
