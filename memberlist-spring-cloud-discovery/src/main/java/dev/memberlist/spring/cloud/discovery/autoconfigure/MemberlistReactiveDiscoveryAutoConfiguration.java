package dev.memberlist.spring.cloud.discovery.autoconfigure;

import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.cloud.discovery.MemberlistReactiveDiscoveryClient;
import dev.memberlist.spring.cloud.discovery.MemberlistServiceCatalog;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnReactiveDiscoveryEnabled;
import org.springframework.cloud.client.ReactiveCommonsClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Flux;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of a {@link MemberlistReactiveDiscoveryClient}
 * over the same catalog as the blocking client, where Spring Cloud configures reactive discovery:
 * Reactor and WebClient ({@code spring-webflux}) on the class path, and {@code
 * spring.cloud.discovery.reactive.enabled} not false.
 */
@AutoConfiguration(
        after = MemberlistDiscoveryAutoConfiguration.class,
        before = {ReactiveCommonsClientAutoConfiguration.class, SimpleReactiveDiscoveryClientAutoConfiguration.class})
@ConditionalOnClass(Flux.class)
@ConditionalOnDiscoveryEnabled
@ConditionalOnReactiveDiscoveryEnabled
@ConditionalOnBooleanProperty(name = "memberlist.discovery.enabled", matchIfMissing = true)
@ConditionalOnBean({MemberlistNode.class, MemberlistServiceCatalog.class})
public final class MemberlistReactiveDiscoveryAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MemberlistReactiveDiscoveryClient memberlistReactiveDiscoveryClient(
            MemberlistServiceCatalog catalog, MemberlistDiscoveryProperties properties) {
        return new MemberlistReactiveDiscoveryClient(catalog, properties.getOrder());
    }
}
