package dev.memberlist.spring.cloud.discovery;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link ReactiveDiscoveryClient} over the same live member list as {@link
 * MemberlistDiscoveryClient}: each subscription reads the member list afresh. Reading it never
 * blocks, so no scheduler is involved.
 */
public class MemberlistReactiveDiscoveryClient implements ReactiveDiscoveryClient {

    private final MemberlistServiceCatalog catalog;

    private final int order;

    /**
     * @param catalog the services of the cluster
     * @param order the client's order among the application's reactive discovery clients
     */
    public MemberlistReactiveDiscoveryClient(MemberlistServiceCatalog catalog, int order) {
        this.catalog = catalog;
        this.order = order;
    }

    @Override
    public String description() {
        return MemberlistDiscoveryClient.DESCRIPTION;
    }

    @Override
    public Flux<ServiceInstance> getInstances(String serviceId) {
        return Flux.defer(() -> Flux.fromIterable(this.catalog.getInstances(serviceId)));
    }

    @Override
    public Flux<String> getServices() {
        return Flux.defer(() -> Flux.fromIterable(this.catalog.getServices()));
    }

    @Override
    public void probe() {
        this.catalog.probe();
    }

    @Override
    public Mono<Void> reactiveProbe() {
        return Mono.fromRunnable(this.catalog::probe);
    }

    @Override
    public int getOrder() {
        return this.order;
    }
}
