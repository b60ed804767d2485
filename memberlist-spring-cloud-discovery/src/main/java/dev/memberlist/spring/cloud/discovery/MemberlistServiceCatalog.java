package dev.memberlist.spring.cloud.discovery;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.MemberlistTags;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The services of the cluster as the local node sees them now: read from its live member list
 * at every call, never cached, so a member that joins, leaves, fails or changes its tags is
 * reflected as soon as the local node knows of it.
 *
 * <p>A member counts when it is {@link NodeState#ALIVE alive} (or {@link NodeState#SUSPECT
 * suspect}, when asked for), carries the {@link DiscoveryTags#SERVICE service} and a valid
 * {@link DiscoveryTags#PORT port} tag, and is not {@link DiscoveryTags#DRAINING draining}. While
 * the local node is not running (before start, after it left) the catalog is empty.
 */
public class MemberlistServiceCatalog {

    private final MemberlistNode node;

    private final boolean includeSuspect;

    /**
     * @param node the local node, whose member list is read
     * @param includeSuspect whether suspect members are instances too
     */
    public MemberlistServiceCatalog(MemberlistNode node, boolean includeSuspect) {
        this.node = node;
        this.includeSuspect = includeSuspect;
    }

    /** The service ids with at least one instance, sorted. */
    public List<String> getServices() {
        TreeSet<String> services = new TreeSet<>();
        for (MemberlistServiceInstance instance : instances()) {
            services.add(instance.getServiceId());
        }
        return List.copyOf(services);
    }

    /**
     * The instances of one service, sorted by instance id.
     *
     * @param serviceId the service id, compared ignoring case as host names are
     */
    public List<MemberlistServiceInstance> getInstances(String serviceId) {
        List<MemberlistServiceInstance> matching = new ArrayList<>();
        for (MemberlistServiceInstance instance : instances()) {
            if (instance.getServiceId().equalsIgnoreCase(serviceId)) {
                matching.add(instance);
            }
        }
        return matching;
    }

    /**
     * Checks that the local node can answer: it runs and has not left.
     *
     * @throws IllegalStateException when it cannot
     */
    public void probe() {
        Memberlist memberlist = this.node.getMemberlist();
        if (!memberlist.isRunning() || memberlist.hasLeft()) {
            throw new IllegalStateException("memberlist node '" + memberlist.name() + "' is not running");
        }
    }

    /** Every instance of every service, sorted by instance id. */
    public List<MemberlistServiceInstance> instances() {
        Memberlist memberlist = this.node.getMemberlist();
        if (!memberlist.isRunning() || memberlist.hasLeft()) {
            return List.of();
        }
        List<MemberlistServiceInstance> instances = new ArrayList<>();
        for (Node member : memberlist.members()) {
            if (member.state() == NodeState.ALIVE || (this.includeSuspect && member.state() == NodeState.SUSPECT)) {
                MemberlistServiceInstance instance = toInstance(member);
                if (instance != null) {
                    instances.add(instance);
                }
            }
        }
        instances.sort(Comparator.comparing(MemberlistServiceInstance::getInstanceId));
        return instances;
    }

    /**
     * The service instance a member's tags describe.
     *
     * @param member a member
     * @return its instance, or null when its tags name no service, no valid port, or it drains
     */
    public static @Nullable MemberlistServiceInstance toInstance(Node member) {
        Map<String, String> tags = MemberlistTags.of(member);
        String service = tags.get(DiscoveryTags.SERVICE);
        int port = port(tags.get(DiscoveryTags.PORT));
        if (service == null
                || service.isBlank()
                || port <= 0
                || "true".equalsIgnoreCase(tags.get(DiscoveryTags.DRAINING))) {
            return null;
        }
        String host = tags.get(DiscoveryTags.HOST);
        if (host == null || host.isBlank()) {
            InetAddress address = member.inetAddress();
            if (address == null) {
                return null;
            }
            host = address.getHostAddress();
            if (host.indexOf(':') >= 0) {
                // an IPv6 literal, bracketed for the instance's URI
                host = "[" + host + "]";
            }
        }
        boolean secure = "true".equalsIgnoreCase(tags.get(DiscoveryTags.SECURE));
        return new MemberlistServiceInstance(member.name(), service, host, port, secure, tags);
    }

    private static int port(@Nullable String value) {
        if (value == null) {
            return -1;
        }
        try {
            int port = Integer.parseInt(value.strip());
            return (port > 0 && port <= 65535) ? port : -1;
        } catch (NumberFormatException ex) {
            return -1;
        }
    }
}
