package dev.memberlist.spring.boot.metrics;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.NodeState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Gauges of the node's state, read from the node at each scrape so they are always current
 * (Go sets them only now and then): {@code memberlist.node.instances} (tag {@code node.state}:
 * alive, suspect, dead, left) counts the known nodes, {@code memberlist.health.score} is
 * Lifeguard's health score (0 is healthy), {@code memberlist.queue.broadcasts} the broadcasts
 * waiting to be gossiped. Each carries the tag {@value MemberlistMetrics#NODE_TAG} naming the
 * node.
 *
 * <p>The engine reports its other meters through {@link MemberlistMetrics}.
 */
public class MemberlistMeterBinder implements MeterBinder {

    private final Supplier<Memberlist> memberlist;

    /** @param memberlist the node to read, looked up at each reading */
    public MemberlistMeterBinder(Supplier<Memberlist> memberlist) {
        this.memberlist = memberlist;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        // the name outlives a restart of the node, which is a fresh node of the same configuration
        Tags node = Tags.of(MemberlistMetrics.NODE_TAG, this.memberlist.get().name());
        for (NodeState state : NodeState.values()) {
            Gauge.builder("memberlist.node.instances", this.memberlist, (m) -> m.get()
                            .stateCounts()
                            .getOrDefault(state, 0))
                    .tags(node)
                    .tag("node.state", state.name().toLowerCase(Locale.ROOT))
                    .description("Nodes known to the local node, by state")
                    .strongReference(true)
                    .register(registry);
        }
        Gauge.builder("memberlist.health.score", this.memberlist, (m) -> m.get().getHealthScore())
                .tags(node)
                .description("Lifeguard health score of the local node; 0 is healthy, higher is degraded")
                .strongReference(true)
                .register(registry);
        Gauge.builder("memberlist.queue.broadcasts", this.memberlist, (m) -> m.get()
                        .numQueuedBroadcasts())
                .tags(node)
                .description("Broadcasts queued for gossip")
                .strongReference(true)
                .register(registry);
    }
}
