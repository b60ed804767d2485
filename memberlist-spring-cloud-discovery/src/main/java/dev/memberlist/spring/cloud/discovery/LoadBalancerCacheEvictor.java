package dev.memberlist.spring.cloud.discovery;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.loadbalancer.cache.LoadBalancerCacheManager;
import org.springframework.cloud.loadbalancer.core.CachingServiceInstanceListSupplier;
import org.springframework.context.ApplicationListener;

/**
 * Empties Spring Cloud LoadBalancer's cache of instance lists on every membership change
 * ({@link MemberlistHeartbeatPublisher}'s heartbeats), so the next call picks from the new list
 * instead of the one cached up to {@code spring.cloud.loadbalancer.cache.ttl} (35 s) ago.
 * LoadBalancer's cache does not listen to heartbeats itself.
 *
 * <p>It empties the cache once more after {@code settle}: a lookup that read the old list just
 * before the change may write it into the cache just after the first eviction.
 */
public class LoadBalancerCacheEvictor implements ApplicationListener<HeartbeatEvent> {

    private final ListableBeanFactory beanFactory;

    private final Duration settle;

    /**
     * @param beanFactory where LoadBalancer's cache managers are: looked up by type at each
     *     change, since LoadBalancer declares them no autowire candidates (so that they never
     *     stand in for the application's own cache manager)
     * @param settle when to empty the cache a second time
     */
    public LoadBalancerCacheEvictor(ListableBeanFactory beanFactory, Duration settle) {
        this.beanFactory = beanFactory;
        this.settle = settle;
    }

    @Override
    public void onApplicationEvent(HeartbeatEvent event) {
        if (!(event.getSource() instanceof MemberlistHeartbeatPublisher)) {
            return;
        }
        evict();
        if (!this.settle.isZero()) {
            CompletableFuture.delayedExecutor(this.settle.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(this::evict);
        }
    }

    /** Empties the instance lists LoadBalancer cached. */
    public void evict() {
        for (CacheManager manager : this.beanFactory
                .getBeansOfType(LoadBalancerCacheManager.class, false, false)
                .values()) {
            Cache cache = manager.getCache(CachingServiceInstanceListSupplier.SERVICE_INSTANCE_CACHE_NAME);
            if (cache != null) {
                cache.clear();
            }
        }
    }
}
