package dev.memberlist.spring.cloud.discovery;

import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.MemberlistTags;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Registers the application as an instance of its service by tagging its memberlist node (see
 * {@link DiscoveryTags}): the service id, {@code secure}, the zone, the host when set, and the
 * user's metadata are set before the node starts, so its very first announcement carries them;
 * the HTTP and management ports are set when the web servers report them ({@link
 * #setPort(int)}, {@link #setManagementPort(int)}) and, if the node already runs, gossiped at
 * once.
 *
 * <p>Boot starts its web server before the node (the node runs in the last lifecycle phase), so
 * the node joins with its port already known. This lifecycle depends on the {@link
 * MemberlistNode}, so in that same last phase it starts after the node, and then publishes
 * Spring Cloud's {@link InstanceRegisteredEvent}, on which the discovery health indicator starts
 * reporting.
 */
public class MemberlistServiceRegistration implements SmartLifecycle {

    private final MemberlistNode node;

    private final MemberlistTags tags;

    private final String serviceId;

    private final ApplicationEventPublisher publisher;

    private volatile boolean running;

    private volatile boolean separateManagementPort;

    /**
     * Tags the node with what is known before start.
     *
     * @param node the local node
     * @param tags its tags
     * @param serviceId the service id
     * @param secure whether the application serves HTTPS
     * @param zone the zone, or null
     * @param host the host others call, or null for the node's address
     * @param metadata more tags
     * @param publisher where {@link InstanceRegisteredEvent} goes
     */
    public MemberlistServiceRegistration(
            MemberlistNode node,
            MemberlistTags tags,
            String serviceId,
            boolean secure,
            @Nullable String zone,
            @Nullable String host,
            Map<String, String> metadata,
            ApplicationEventPublisher publisher) {
        this.node = node;
        this.tags = tags;
        this.serviceId = serviceId;
        this.publisher = publisher;
        Map<String, String> registration = new LinkedHashMap<>(metadata);
        registration.put(DiscoveryTags.SERVICE, serviceId);
        registration.put(DiscoveryTags.SECURE, Boolean.toString(secure));
        if (zone != null && !zone.isBlank()) {
            registration.put(DiscoveryTags.ZONE, zone);
        }
        if (host != null && !host.isBlank()) {
            registration.put(DiscoveryTags.HOST, host);
        }
        // the node is not running yet: this only sets what it will announce
        tags.putAll(registration);
    }

    /** The service id the application registers as. */
    public String getServiceId() {
        return this.serviceId;
    }

    /**
     * Sets the HTTP port, and the management port too unless a management server of its own
     * reported one.
     *
     * @param port the web server's actual port
     */
    public void setPort(int port) {
        Map<String, String> ports = new LinkedHashMap<>();
        ports.put(DiscoveryTags.PORT, Integer.toString(port));
        if (!this.separateManagementPort) {
            ports.put(DiscoveryTags.MANAGEMENT_PORT, Integer.toString(port));
        }
        this.tags.putAll(ports);
    }

    /**
     * Sets the port of a management server of its own ({@code management.server.port}).
     *
     * @param port its actual port
     */
    public void setManagementPort(int port) {
        this.separateManagementPort = true;
        this.tags.put(DiscoveryTags.MANAGEMENT_PORT, Integer.toString(port));
    }

    /**
     * Marks this instance draining, or serving again: while draining, every member leaves it
     * out of its instance lists; the node stays in the cluster.
     *
     * @param draining whether to drain
     */
    public void setDraining(boolean draining) {
        if (draining) {
            this.tags.put(DiscoveryTags.DRAINING, "true");
        } else {
            this.tags.remove(DiscoveryTags.DRAINING);
        }
    }

    @Override
    public void start() {
        this.running = true;
        this.publisher.publishEvent(new InstanceRegisteredEvent<>(this, this.tags.get()));
    }

    @Override
    public void stop() {
        // the node's own stop leaves the cluster, which deregisters the instance everywhere
        this.running = false;
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /** Like the node's: a paused context stays registered. */
    @Override
    public boolean isPauseable() {
        return false;
    }

    /** The node's phase, the last; the dependency on the node orders the two within it. */
    @Override
    public int getPhase() {
        return this.node.getPhase();
    }
}
