package dev.memberlist.spring.boot.autoconfigure.health;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.autoconfigure.MemberlistAutoConfiguration;
import dev.memberlist.spring.boot.autoconfigure.MemberlistProperties;
import dev.memberlist.spring.boot.health.MemberlistHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link MemberlistHealthIndicator},
 * contributed as {@code memberlist}.
 */
@AutoConfiguration(after = MemberlistAutoConfiguration.class)
@ConditionalOnClass({Memberlist.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnSingleCandidate(MemberlistNode.class)
public final class MemberlistHealthContributorAutoConfiguration {

    // on the method, so that without spring-boot-health the class condition stops evaluation first
    @Bean
    @ConditionalOnEnabledHealthIndicator("memberlist")
    @ConditionalOnMissingBean(name = {"memberlistHealthIndicator", "memberlistHealthContributor"})
    MemberlistHealthIndicator memberlistHealthIndicator(MemberlistNode node, MemberlistProperties properties) {
        return new MemberlistHealthIndicator(
                node,
                properties.getHealth().isRequireJoin(),
                properties.getHealth().getHealthScoreThreshold());
    }
}
