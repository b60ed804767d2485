package dev.memberlist.spring.cloud.discovery;

import java.util.Set;

/**
 * The node tags a service instance is registered with. Tags are the node's metadata, a msgpack
 * map of string to string ({@code MemberlistTags}), so any memberlist node, a Go one too, that
 * carries these tags is discovered as an instance of its service.
 *
 * <p>A member is an instance of a service when it carries {@link #SERVICE} and a valid {@link
 * #PORT}; every one of its tags is the instance's metadata, these included.
 */
public final class DiscoveryTags {

    /** The service id, {@code spring.application.name}: what {@code http://<service-id>/} resolves. */
    public static final String SERVICE = "service";

    /** The HTTP port the instance serves on, in decimal. */
    public static final String PORT = "port";

    /** {@code true} when the instance serves HTTPS; anything else, or none, is plain HTTP. */
    public static final String SECURE = "secure";

    /** The host to call, when it is not the node's memberlist address. */
    public static final String HOST = "host";

    /**
     * The management (actuator) port, in decimal; the key Spring Boot Admin reads from an
     * instance's metadata.
     */
    public static final String MANAGEMENT_PORT = "management.port";

    /** The zone, the metadata key Spring Cloud LoadBalancer's zone preference reads. */
    public static final String ZONE = "zone";

    /** {@code true} while the instance drains: it is left out of every instance list. */
    public static final String DRAINING = "draining";

    /** The keys that the registration sets itself, which user metadata may not set. */
    public static final Set<String> RESERVED = Set.of(SERVICE, PORT, SECURE, HOST, MANAGEMENT_PORT, ZONE, DRAINING);

    private DiscoveryTags() {}
}
