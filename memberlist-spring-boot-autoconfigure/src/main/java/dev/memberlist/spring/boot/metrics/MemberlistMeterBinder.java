package dev.memberlist.spring.boot.metrics;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.NodeState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Gauges read from the node whenever they are scraped, so they are always current:
 * {@code memberlist.members} (tag {@code state}: alive, suspect, dead, left) counts the known
 * nodes, {@code memberlist.local.health.score} is Lifeguard's health score (0 is healthy).
 *
 * <p>The engine's own meters, under Go memberlist's names ({@code memberlist.health.score},
 * {@code memberlist.node.instances}, ...), are set when the engine changes them.
 */
public class MemberlistMeterBinder implements MeterBinder {

    private final Supplier<Memberlist> memberlist;

    /** @param memberlist the node to read, looked up at each reading */
    public MemberlistMeterBinder(Supplier<Memberlist> memberlist) {
        this.memberlist = memberlist;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (NodeState state : NodeState.values()) {
            Gauge.builder("memberlist.members", this.memberlist, (m) -> m.get()
                            .stateCounts()
                            .getOrDefault(state, 0))
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .description("Nodes known to the local memberlist node, by state")
                    .strongReference(true)
                    .register(registry);
        }
        Gauge.builder("memberlist.local.health.score", this.memberlist, (m) -> m.get()
                        .getHealthScore())
                .description("Lifeguard health score of the local memberlist node; 0 is healthy")
                .strongReference(true)
                .register(registry);
    }
}
