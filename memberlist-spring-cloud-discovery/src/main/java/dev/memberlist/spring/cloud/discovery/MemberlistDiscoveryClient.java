package dev.memberlist.spring.cloud.discovery;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A {@link DiscoveryClient} that reads the cluster's live member list: no registry server, no
 * polling, no cache. Spring Cloud's composite client, its discovery health indicator and
 * LoadBalancer use it as they use any other.
 */
public class MemberlistDiscoveryClient implements DiscoveryClient {

    /** What {@link #description()} says. */
    public static final String DESCRIPTION = "memberlist gossip discovery";

    private final MemberlistServiceCatalog catalog;

    private final int order;

    /**
     * @param catalog the services of the cluster
     * @param order the client's order among the application's discovery clients
     */
    public MemberlistDiscoveryClient(MemberlistServiceCatalog catalog, int order) {
        this.catalog = catalog;
        this.order = order;
    }

    @Override
    public String description() {
        return DESCRIPTION;
    }

    @Override
    public List<ServiceInstance> getInstances(String serviceId) {
        return List.copyOf(this.catalog.getInstances(serviceId));
    }

    @Override
    public List<String> getServices() {
        return this.catalog.getServices();
    }

    /** Fails while the local node is not running, which turns the discovery health indicator DOWN. */
    @Override
    public void probe() {
        this.catalog.probe();
    }

    @Override
    public int getOrder() {
        return this.order;
    }
}
