package dev.memberlist.spring.boot.autoconfigure.actuate;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.MemberlistTags;
import dev.memberlist.spring.boot.actuate.endpoint.MemberlistEndpoint;
import dev.memberlist.spring.boot.actuate.endpoint.MemberlistNodesEndpoint;
import dev.memberlist.spring.boot.autoconfigure.MemberlistAutoConfiguration;
import dev.memberlist.spring.boot.autoconfigure.OnSeveralMemberlistNodesCondition;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link MemberlistEndpoint}, or the
 * {@link MemberlistNodesEndpoint} when the application runs several {@link MemberlistNode}s.
 */
@AutoConfiguration(after = MemberlistAutoConfiguration.class)
@ConditionalOnClass({Memberlist.class, Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(MemberlistNode.class)
public final class MemberlistEndpointAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnSingleCandidate(MemberlistNode.class)
    static class OneNodeConfiguration {

        // on the method, so that without actuator the class condition stops evaluation first
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        MemberlistEndpoint memberlistEndpoint(MemberlistNode node, ObjectProvider<MemberlistTags> tags) {
            return new MemberlistEndpoint(node, tags.getIfAvailable());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(OnSeveralMemberlistNodesCondition.class)
    static class SeveralNodesConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        MemberlistNodesEndpoint memberlistNodesEndpoint(Map<String, MemberlistNode> nodes) {
            return new MemberlistNodesEndpoint(nodes);
        }
    }
}
