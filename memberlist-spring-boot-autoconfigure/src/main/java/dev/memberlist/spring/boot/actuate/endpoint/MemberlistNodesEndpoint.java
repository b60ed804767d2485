package dev.memberlist.spring.boot.actuate.endpoint;

import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.actuate.endpoint.MemberlistEndpoint.MemberDescriptor;
import dev.memberlist.spring.boot.actuate.endpoint.MemberlistEndpoint.MemberlistDescriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code memberlist} endpoint of a context that runs several nodes (several {@link
 * MemberlistNode} beans, a LAN and a WAN pool, say), each named by its bean name: every node as
 * {@link MemberlistEndpoint} shows one ({@code GET}), one node ({@code GET /{node}}), and one
 * member as one node knows it ({@code GET /{node}/{name}}). It has no writes: join, leave, tags
 * and keys of several nodes are the application's, through each {@link MemberlistNode}.
 */
@Endpoint(id = "memberlist", defaultAccess = Access.READ_ONLY)
public class MemberlistNodesEndpoint {

    private final Map<String, MemberlistEndpoint> nodes;

    /** @param nodes the nodes by bean name */
    public MemberlistNodesEndpoint(Map<String, MemberlistNode> nodes) {
        Map<String, MemberlistEndpoint> endpoints = new TreeMap<>();
        nodes.forEach((name, node) -> endpoints.put(name, new MemberlistEndpoint(node, null)));
        this.nodes = endpoints;
    }

    /** Every node, by bean name. */
    @ReadOperation
    public NodesDescriptor nodes() {
        Map<String, MemberlistDescriptor> nodes = new LinkedHashMap<>();
        this.nodes.forEach((name, endpoint) -> nodes.put(name, endpoint.memberlist()));
        return new NodesDescriptor(nodes);
    }

    /**
     * One node.
     *
     * @param node its bean name
     * @return the node, or null (404) when no node has that bean name
     */
    @ReadOperation
    public @Nullable MemberlistDescriptor node(@Selector String node) {
        MemberlistEndpoint endpoint = this.nodes.get(node);
        return (endpoint != null) ? endpoint.memberlist() : null;
    }

    /**
     * One member, as one node knows it.
     *
     * @param node the node's bean name
     * @param name the member's name
     * @return the member, or null (404) when either is unknown
     */
    @ReadOperation
    public @Nullable MemberDescriptor member(@Selector String node, @Selector String name) {
        MemberlistEndpoint endpoint = this.nodes.get(node);
        return (endpoint != null) ? endpoint.member(name) : null;
    }

    /**
     * Every node, by bean name.
     *
     * @param nodes each node as {@link MemberlistEndpoint} describes it
     */
    public record NodesDescriptor(Map<String, MemberlistDescriptor> nodes) implements OperationResponseBody {}
}
