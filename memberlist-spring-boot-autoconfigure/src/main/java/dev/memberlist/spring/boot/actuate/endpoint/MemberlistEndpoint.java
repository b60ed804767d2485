package dev.memberlist.spring.boot.actuate.endpoint;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.MemberlistException;
import dev.memberlist.engine.Node;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.MemberlistTags;
import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code memberlist} endpoint: the local node and every node it knows, dead and left ones
 * included until they are forgotten; joining more seeds ({@code POST} with {@code seeds}) and
 * leaving the cluster ({@code DELETE}). Keys and other secrets are never shown.
 */
@Endpoint(id = "memberlist")
public class MemberlistEndpoint {

    private final MemberlistNode node;

    /** @param node the node */
    public MemberlistEndpoint(MemberlistNode node) {
        this.node = node;
    }

    /** The local node, its health score and every known node, sorted by name. */
    @ReadOperation
    public MemberlistDescriptor memberlist() {
        Memberlist memberlist = this.node.getMemberlist();
        List<MemberDescriptor> members = memberlist.nodes().stream()
                .sorted(Comparator.comparing(Node::name))
                .map(MemberDescriptor::of)
                .toList();
        Node local = memberlist.localNode();
        return new MemberlistDescriptor(
                (local != null) ? MemberDescriptor.of(local) : null, memberlist.getHealthScore(), members);
    }

    /**
     * Joins more members. Over HTTP: {@code POST} with a JSON body such as {@code {"seeds":
     * "10.0.0.2:7946,10.0.0.3:7946"}} (actuator request bodies are flat, so a list is one
     * comma-separated string).
     *
     * @param seeds members as {@code host:port} or {@code host}
     * @return how many answered, or why none did
     */
    @WriteOperation
    public JoinDescriptor join(List<String> seeds) {
        try {
            int contacted = this.node.join(seeds);
            return new JoinDescriptor(contacted, null);
        } catch (MemberlistException | IllegalStateException ex) {
            return new JoinDescriptor(0, ex.getMessage());
        }
    }

    /** Leaves the cluster gracefully and shuts the node down; the application goes on running. */
    @DeleteOperation
    public LeaveDescriptor leave() {
        this.node.leave();
        return new LeaveDescriptor(this.node.getMemberlist().hasLeft());
    }

    /**
     * The endpoint's answer to a read.
     *
     * @param local the local node
     * @param healthScore Lifeguard's health score of the local node, 0 is healthy
     * @param members every known node, sorted by name
     */
    public record MemberlistDescriptor(
            @Nullable MemberDescriptor local, int healthScore, List<MemberDescriptor> members)
            implements OperationResponseBody {}

    /**
     * One node.
     *
     * @param name its name
     * @param address its advertised IP address
     * @param port its advertised port
     * @param state alive, suspect, dead or left
     * @param incarnation its incarnation number
     * @param tags its tags, when its metadata is a tags map
     * @param meta its metadata as text, when it is not a tags map
     * @param protocol the protocol versions it speaks
     */
    public record MemberDescriptor(
            String name,
            @Nullable String address,
            int port,
            String state,
            long incarnation,
            @Nullable Map<String, String> tags,
            @Nullable String meta,
            ProtocolDescriptor protocol) {

        static MemberDescriptor of(Node node) {
            Optional<Map<String, String>> tags = MemberlistTags.decode(node.meta());
            InetAddress ip = node.inetAddress();
            return new MemberDescriptor(
                    node.name(),
                    (ip != null) ? ip.getHostAddress() : null,
                    node.port(),
                    node.state().name().toLowerCase(Locale.ROOT),
                    node.incarnation(),
                    tags.orElse(null),
                    tags.isPresent() ? null : node.metaString(),
                    new ProtocolDescriptor(
                            node.pMin(), node.pMax(), node.pCur(), node.dMin(), node.dMax(), node.dCur()));
        }
    }

    /**
     * Protocol versions a node understands and speaks (its six version bytes).
     *
     * @param min lowest protocol version understood
     * @param max highest protocol version understood
     * @param current protocol version spoken
     * @param delegateMin lowest delegate protocol version understood
     * @param delegateMax highest delegate protocol version understood
     * @param delegateCurrent delegate protocol version spoken
     */
    public record ProtocolDescriptor(
            int min, int max, int current, int delegateMin, int delegateMax, int delegateCurrent) {}

    /**
     * The answer to a join.
     *
     * @param contacted how many seeds answered
     * @param error why none did, or null
     */
    public record JoinDescriptor(int contacted, @Nullable String error) implements OperationResponseBody {}

    /**
     * The answer to a leave.
     *
     * @param left whether the node has left
     */
    public record LeaveDescriptor(boolean left) implements OperationResponseBody {}
}
