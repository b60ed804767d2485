package dev.memberlist.spring.boot.autoconfigure.actuate;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.MemberlistTags;
import dev.memberlist.spring.boot.actuate.endpoint.MemberlistEndpoint;
import dev.memberlist.spring.boot.autoconfigure.MemberlistAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link MemberlistEndpoint}.
 */
@AutoConfiguration(after = MemberlistAutoConfiguration.class)
@ConditionalOnClass({Memberlist.class, Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnSingleCandidate(MemberlistNode.class)
public final class MemberlistEndpointAutoConfiguration {

    // on the method, so that without actuator the class condition stops evaluation first
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    MemberlistEndpoint memberlistEndpoint(MemberlistNode node, ObjectProvider<MemberlistTags> tags) {
        return new MemberlistEndpoint(node, tags.getIfAvailable());
    }
}
