package dev.memberlist.spring.cloud.discovery.autoconfigure;

import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.MemberlistTags;
import dev.memberlist.spring.boot.autoconfigure.MemberlistAutoConfiguration;
import dev.memberlist.spring.cloud.discovery.DiscoveryTags;
import dev.memberlist.spring.cloud.discovery.DrainLifecycle;
import dev.memberlist.spring.cloud.discovery.LoadBalancerCacheEvictor;
import dev.memberlist.spring.cloud.discovery.MemberlistDiscoveryClient;
import dev.memberlist.spring.cloud.discovery.MemberlistHeartbeatPublisher;
import dev.memberlist.spring.cloud.discovery.MemberlistServiceCatalog;
import dev.memberlist.spring.cloud.discovery.MemberlistServiceRegistration;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.cloud.client.CommonsClientAutoConfiguration;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.loadbalancer.cache.LoadBalancerCacheManager;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of Spring Cloud discovery over the
 * memberlist node: a {@link MemberlistDiscoveryClient} over the live member list, {@code
 * HeartbeatEvent}s on every membership change (and LoadBalancer's cache emptied on each, when
 * LoadBalancer is there), and the application registered as an instance of its service by its
 * node's tags, draining before its web server shuts down.
 *
 * <p>Needs the starter's node ({@link MemberlistNode}, a single one); off with {@code
 * memberlist.discovery.enabled=false} or {@code spring.cloud.discovery.enabled=false}.
 */
@AutoConfiguration(
        after = MemberlistAutoConfiguration.class,
        before = {CommonsClientAutoConfiguration.class, SimpleDiscoveryClientAutoConfiguration.class})
@ConditionalOnDiscoveryEnabled
@ConditionalOnBooleanProperty(name = "memberlist.discovery.enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(MemberlistNode.class)
@EnableConfigurationProperties(MemberlistDiscoveryProperties.class)
public final class MemberlistDiscoveryAutoConfiguration {

    /** A service id must be a host name: it is the host of {@code http://<service-id>/}. */
    private static final Pattern HOST_NAME =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

    /** When LoadBalancer's cache is emptied a second time after a change. */
    private static final Duration CACHE_SETTLE = Duration.ofMillis(500);

    @Bean
    @ConditionalOnMissingBean
    MemberlistServiceCatalog memberlistServiceCatalog(MemberlistNode node, MemberlistDiscoveryProperties properties) {
        return new MemberlistServiceCatalog(node, properties.isIncludeSuspect());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBlockingDiscoveryEnabled
    static class BlockingClientConfiguration {

        @Bean
        @ConditionalOnMissingBean
        MemberlistDiscoveryClient memberlistDiscoveryClient(
                MemberlistServiceCatalog catalog, MemberlistDiscoveryProperties properties) {
            return new MemberlistDiscoveryClient(catalog, properties.getOrder());
        }
    }

    @Bean
    @ConditionalOnMissingBean
    MemberlistHeartbeatPublisher memberlistHeartbeatPublisher(ApplicationEventPublisher publisher) {
        return new MemberlistHeartbeatPublisher(publisher);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(LoadBalancerCacheManager.class)
    static class LoadBalancerCacheConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LoadBalancerCacheEvictor memberlistLoadBalancerCacheEvictor(ListableBeanFactory beanFactory) {
            return new LoadBalancerCacheEvictor(beanFactory, CACHE_SETTLE);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty(name = "memberlist.discovery.register", matchIfMissing = true)
    @ConditionalOnBean(MemberlistTags.class)
    static class RegistrationConfiguration {

        @Bean
        @ConditionalOnMissingBean
        MemberlistServiceRegistration memberlistServiceRegistration(
                MemberlistNode node,
                MemberlistTags tags,
                MemberlistDiscoveryProperties properties,
                Environment environment,
                ApplicationEventPublisher publisher) {
            String serviceId = serviceId(properties, environment);
            checkMetadata(properties.getMetadata());
            checkDrainTime(properties.getDrainTime());
            boolean secure = (properties.getSecure() != null) ? properties.getSecure() : sslConfigured(environment);
            return new MemberlistServiceRegistration(
                    node,
                    tags,
                    serviceId,
                    secure,
                    properties.getZone(),
                    properties.getHost(),
                    properties.getMetadata(),
                    publisher);
        }

        /** The web server's ports, and its drain: none of it matters without a web server. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(WebServerInitializedEvent.class)
        @ConditionalOnWebApplication
        static class WebServerPortConfiguration {

            @Bean
            @ConditionalOnMissingBean
            DrainLifecycle memberlistDrainLifecycle(MemberlistDiscoveryProperties properties) {
                return new DrainLifecycle(properties.getDrainTime());
            }

            @Bean
            WebServerPortListener memberlistWebServerPortListener(MemberlistServiceRegistration registration) {
                return new WebServerPortListener(registration);
            }
        }
    }

    static String serviceId(MemberlistDiscoveryProperties properties, Environment environment) {
        String property = "memberlist.discovery.service-id";
        String serviceId = properties.getServiceId();
        if (serviceId == null) {
            property = "spring.application.name";
            serviceId = environment.getProperty(property);
        }
        if (serviceId == null || serviceId.isBlank()) {
            throw new InvalidConfigurationPropertyValueException(
                    property,
                    serviceId,
                    "An instance registers under a service id: set spring.application.name or "
                            + "memberlist.discovery.service-id (or memberlist.discovery.register=false to only discover).");
        }
        if (!HOST_NAME.matcher(serviceId).matches()) {
            throw new InvalidConfigurationPropertyValueException(
                    property,
                    serviceId,
                    "A service id is the host of http://<service-id>/ URLs: letters, digits, hyphens and dots only.");
        }
        return serviceId;
    }

    static void checkMetadata(Map<String, String> metadata) {
        for (String key : metadata.keySet()) {
            if (DiscoveryTags.RESERVED.contains(key)) {
                throw new InvalidConfigurationPropertyValueException(
                        "memberlist.discovery.metadata." + key,
                        metadata.get(key),
                        "'" + key + "' is set by the registration itself; reserved keys are " + DiscoveryTags.RESERVED
                                + " (the zone is memberlist.discovery.zone, the host memberlist.discovery.host).");
            }
        }
    }

    static void checkDrainTime(@Nullable Duration drainTime) {
        if (drainTime == null || drainTime.isNegative()) {
            throw new InvalidConfigurationPropertyValueException(
                    "memberlist.discovery.drain-time", drainTime, "The drain time must be zero or more.");
        }
    }

    /** Whether Boot's web server will serve HTTPS: {@code server.ssl} configured and not disabled. */
    static boolean sslConfigured(Environment environment) {
        if (!environment.getProperty("server.ssl.enabled", Boolean.class, true)) {
            return false;
        }
        return environment.containsProperty("server.ssl.bundle")
                || environment.containsProperty("server.ssl.key-store")
                || environment.containsProperty("server.ssl.certificate");
    }
}
