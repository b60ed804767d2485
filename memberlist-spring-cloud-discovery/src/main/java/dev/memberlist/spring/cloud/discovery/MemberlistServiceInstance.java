package dev.memberlist.spring.cloud.discovery;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import org.springframework.cloud.client.ServiceInstance;

/**
 * One instance of a service: a live member of the cluster that carries the {@link DiscoveryTags
 * service tags}. Its instance id is the member's node name, unique in a cluster; its metadata is
 * every tag of the member.
 */
public final class MemberlistServiceInstance implements ServiceInstance {

    private final String instanceId;

    private final String serviceId;

    private final String host;

    private final int port;

    private final boolean secure;

    private final Map<String, String> metadata;

    /**
     * @param instanceId the member's node name
     * @param serviceId the service it is an instance of
     * @param host the host to call
     * @param port the HTTP port
     * @param secure whether it serves HTTPS
     * @param metadata the member's tags
     */
    public MemberlistServiceInstance(
            String instanceId, String serviceId, String host, int port, boolean secure, Map<String, String> metadata) {
        this.instanceId = instanceId;
        this.serviceId = serviceId;
        this.host = host;
        this.port = port;
        this.secure = secure;
        this.metadata = Map.copyOf(metadata);
    }

    @Override
    public String getInstanceId() {
        return this.instanceId;
    }

    @Override
    public String getServiceId() {
        return this.serviceId;
    }

    @Override
    public String getHost() {
        return this.host;
    }

    @Override
    public int getPort() {
        return this.port;
    }

    @Override
    public boolean isSecure() {
        return this.secure;
    }

    @Override
    public URI getUri() {
        return ServiceInstance.createUri(this);
    }

    @Override
    public Map<String, String> getMetadata() {
        return this.metadata;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MemberlistServiceInstance that
                && this.port == that.port
                && this.secure == that.secure
                && this.instanceId.equals(that.instanceId)
                && this.serviceId.equals(that.serviceId)
                && this.host.equals(that.host)
                && this.metadata.equals(that.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(this.instanceId, this.serviceId, this.host, this.port, this.secure);
    }

    @Override
    public String toString() {
        return this.serviceId + "/" + this.instanceId + "@" + getUri();
    }
}
