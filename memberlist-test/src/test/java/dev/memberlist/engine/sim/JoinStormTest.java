package dev.memberlist.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.test.fault.LinkFaults;
import dev.memberlist.test.fault.LinkFaults.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A whole cluster starting at once: 64 nodes join one seed at the same moment, on a network
 * that loses 20% of packets (streams are reliable). Each joiner learns from the seed who joined
 * before it, and of the later joiners only from rumours, which are sent a limited number of
 * times each: some die out before reaching everybody. Go's memberlist then waits for a
 * push-pull (here 60-90 s, in 9 of 12 seeds); with {@code pushPullAfterJoin} each joiner
 * exchanges state once more when its rumours have passed, and the cluster is whole in about a
 * second and a half.
 */
@ExtendWith(QuietEngineLogs.class)
class JoinStormTest {
    private static final int NODES = 64;
    private static final List<Long> SEEDS = List.of(1L, 2L, 3L, 4L, 5L, 6L);

    /** Virtual time from the joins' answers until everybody holds everybody alive. */
    private static Duration storm(long seed, boolean pushPullAfterJoin) {
        try (SimCluster c =
                new SimCluster(seed, cfg -> cfg.setPushPullAfterJoin(pushPullAfterJoin)).recordEvents(false)) {
            c.network.setFaults(new LinkFaults(seed).setAll(Rule.loss(0.2)));
            c.startStaggered(NODES, Duration.ofMillis(2));
            c.joinAllToFirst();
            Duration d = c.runUntil(c::converged, Duration.ofMinutes(3));
            assertThat(d).as("seed %d: converged at all", seed).isNotNull();
            return d;
        }
    }

    @Test
    void aJoinStormConvergesInSecondsWhereGoWaitsForAPushPull() {
        List<Duration> with = new ArrayList<>();
        List<Duration> without = new ArrayList<>();
        for (long seed : SEEDS) {
            with.add(storm(seed, true));
            without.add(storm(seed, false));
        }
        assertThat(with).as("with the exchange after the join").allMatch(d -> d.compareTo(Duration.ofSeconds(5)) < 0);
        assertThat(without.stream().filter(d -> d.compareTo(Duration.ofSeconds(30)) > 0))
                .as("without it (Go's behaviour), rumours died and push-pull mended them: %s", without)
                .hasSizeGreaterThanOrEqualTo(3);
    }
}
