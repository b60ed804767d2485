package dev.memberlist.spring.boot.health;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.spring.boot.MemberlistNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the memberlist node: {@code UP} while it runs and is part of a cluster, {@code
 * DOWN} once it left or was shut down, and also while seeds are configured but none has ever
 * answered and no member has joined it, since such a node is alone and the rest of the
 * cluster does not know it. Details: the local name and address, the known nodes counted by
 * state, and Lifeguard's health score (0 is healthy).
 *
 * <p>Kubernetes' readiness group holds only the readiness state by default, so a first node
 * whose seeds are not up yet does not keep its peers from starting; add {@code memberlist} to a
 * group with {@code management.endpoint.health.group.*} if a lone node should be taken out of
 * service.
 */
public class MemberlistHealthIndicator extends AbstractHealthIndicator {

    private final MemberlistNode node;

    /** @param node the node */
    public MemberlistHealthIndicator(MemberlistNode node) {
        super("memberlist health check failed");
        this.node = node;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Memberlist memberlist = this.node.getMemberlist();
        builder.withDetail("name", memberlist.name());
        if (memberlist.isShutdown() || memberlist.hasLeft()) {
            builder.down().withDetail("reason", memberlist.hasLeft() ? "left the cluster" : "shut down");
            return;
        }
        if (!memberlist.isRunning()) {
            builder.down().withDetail("reason", "not started");
            return;
        }
        Node local = memberlist.localNode();
        if (local != null) {
            builder.withDetail("address", local.address());
        }
        Map<String, Integer> members = new LinkedHashMap<>();
        Map<NodeState, Integer> counts = memberlist.stateCounts();
        for (NodeState state : NodeState.values()) {
            members.put(state.name().toLowerCase(Locale.ROOT), counts.getOrDefault(state, 0));
        }
        builder.withDetail("members", members).withDetail("healthScore", memberlist.getHealthScore());
        if (!this.node.isJoined()) {
            builder.down().withDetail("reason", "no seed answered yet").withDetail("seeds", this.node.getSeeds());
            return;
        }
        builder.up();
    }
}
