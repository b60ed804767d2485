package dev.memberlist.spring.boot.health;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.spring.boot.MemberlistNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the memberlist node, as an orchestrator should read it:
 *
 * <ul>
 *   <li>{@code UP} while it runs and is part of a cluster, a cluster of one included (the
 *       first node of a new cluster, or one with no seeds: detail {@code alone});
 *   <li>{@code UNKNOWN} while it is still trying to join its seeds (none has answered and no
 *       member has joined it), since the seeds may simply not be up yet; {@code DOWN} instead
 *       when joining is required ({@code memberlist.health.require-join});
 *   <li>{@code DOWN} when Lifeguard's health score reaches the optional threshold ({@code
 *       memberlist.health.health-score-threshold}): the node itself is degraded, slow to answer
 *       or missing acks;
 *   <li>{@code OUT_OF_SERVICE} once it left the cluster on purpose; {@code DOWN} when it was
 *       shut down without leaving.
 * </ul>
 *
 * Details: the local name and address, the known nodes counted by state, and the health score.
 *
 * <p>Boot maps {@code DOWN} and {@code OUT_OF_SERVICE} to HTTP 503 and {@code UNKNOWN} to 200.
 * Kubernetes' probe groups hold only the availability states by default; add {@code memberlist}
 * to a group with {@code management.endpoint.health.group.*} for it to count there.
 */
public class MemberlistHealthIndicator extends AbstractHealthIndicator {

    private final MemberlistNode node;

    private final boolean requireJoin;

    private final @Nullable Integer healthScoreThreshold;

    /**
     * @param node the node
     * @param requireJoin whether a node still joining its seeds is {@code DOWN}, not {@code
     *     UNKNOWN}
     * @param healthScoreThreshold the health score from which the node is {@code DOWN}, or null
     */
    public MemberlistHealthIndicator(MemberlistNode node, boolean requireJoin, @Nullable Integer healthScoreThreshold) {
        super("memberlist health check failed");
        this.node = node;
        this.requireJoin = requireJoin;
        this.healthScoreThreshold = healthScoreThreshold;
    }

    /** @param node the node, with the default rules: joining is UNKNOWN, no threshold */
    public MemberlistHealthIndicator(MemberlistNode node) {
        this(node, false, null);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Memberlist memberlist = this.node.getMemberlist();
        builder.withDetail("name", memberlist.name());
        if (memberlist.hasLeft()) {
            builder.outOfService().withDetail("reason", "left the cluster");
            return;
        }
        if (memberlist.isShutdown()) {
            builder.down().withDetail("reason", "shut down");
            return;
        }
        if (!memberlist.isRunning()) {
            builder.unknown().withDetail("reason", "not started");
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
        int healthScore = memberlist.getHealthScore();
        builder.withDetail("members", members).withDetail("healthScore", healthScore);
        if (!this.node.isJoined()) {
            builder.status(this.requireJoin ? Status.DOWN : Status.UNKNOWN)
                    .withDetail("reason", "joining: no seed answered yet")
                    .withDetail("seeds", this.node.getSeeds());
            return;
        }
        if (this.healthScoreThreshold != null && healthScore >= this.healthScoreThreshold) {
            builder.down()
                    .withDetail(
                            "reason",
                            "degraded: health score " + healthScore + " reached the threshold of "
                                    + this.healthScoreThreshold);
            return;
        }
        if (memberlist.numMembers() <= 1) {
            builder.withDetail("alone", true);
        }
        builder.up();
    }
}
