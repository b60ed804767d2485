package dev.memberlist.spring.boot.autoconfigure.health;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.autoconfigure.MemberlistAutoConfiguration;
import dev.memberlist.spring.boot.autoconfigure.MemberlistProperties;
import dev.memberlist.spring.boot.autoconfigure.OnSeveralMemberlistNodesCondition;
import dev.memberlist.spring.boot.health.MemberlistHealthIndicator;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link MemberlistHealthIndicator},
 * contributed as {@code memberlist}; with several {@link MemberlistNode} beans, one indicator
 * for each under {@code memberlist}, named by bean name.
 */
@AutoConfiguration(after = MemberlistAutoConfiguration.class)
@ConditionalOnClass({Memberlist.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(MemberlistNode.class)
public final class MemberlistHealthContributorAutoConfiguration {

    static MemberlistHealthIndicator indicator(MemberlistNode node, MemberlistProperties properties) {
        return new MemberlistHealthIndicator(
                node,
                properties.getHealth().isRequireJoin(),
                properties.getHealth().getHealthScoreThreshold());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnSingleCandidate(MemberlistNode.class)
    static class OneNodeConfiguration {

        // on the method, so that without spring-boot-health the class condition stops evaluation first
        @Bean
        @ConditionalOnEnabledHealthIndicator("memberlist")
        @ConditionalOnMissingBean(name = {"memberlistHealthIndicator", "memberlistHealthContributor"})
        MemberlistHealthIndicator memberlistHealthIndicator(MemberlistNode node, MemberlistProperties properties) {
            return indicator(node, properties);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(OnSeveralMemberlistNodesCondition.class)
    static class SeveralNodesConfiguration {

        @Bean
        @ConditionalOnEnabledHealthIndicator("memberlist")
        @ConditionalOnMissingBean(name = {"memberlistHealthIndicator", "memberlistHealthContributor"})
        HealthContributor memberlistHealthContributor(
                Map<String, MemberlistNode> nodes, MemberlistProperties properties) {
            return CompositeHealthContributor.fromMap(nodes, (node) -> indicator(node, properties));
        }
    }
}
