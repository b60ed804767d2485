package dev.memberlist.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.transport.Transport;
import dev.memberlist.test.fault.ForwardingTransport;
import dev.memberlist.test.fault.LinkFaults;
import dev.memberlist.test.fault.LinkFaults.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
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

    /**
     * The exchange after a join takes the place of the joiner's next periodic one: over ten
     * minutes a joiner opens as many streams as Go's (the join and one every 30 s), the first of
     * them a few seconds after the join instead of at its stagger plus 30 s.
     */
    @Test
    void theExchangeAfterAJoinTakesThePlaceOfTheNextPeriodicOne() {
        int[] with = dials(true);
        int[] without = dials(false);
        assertThat(with[0])
                .as("streams opened in the first 5 s, with the exchange after the join")
                .isEqualTo(2);
        assertThat(without[0])
                .as("streams opened in the first 5 s, Go's way: the join")
                .isEqualTo(1);
        assertThat(with[1])
                .as("streams opened in 10 minutes: no exchange more than Go's")
                .isEqualTo(without[1])
                .isGreaterThan(15);
    }

    /** Streams node 1 opened 5 s and 10 minutes after it joined node 0. */
    private static int[] dials(boolean pushPullAfterJoin) {
        AtomicInteger dials = new AtomicInteger();
        try (SimCluster c = new SimCluster(
                7, cfg -> cfg.setPushPullAfterJoin(pushPullAfterJoin), (i, t, s) -> i == 1 ? counting(t, dials) : t)) {
            c.start(2);
            c.join(1, 0);
            c.sim.runFor(Duration.ofSeconds(5));
            int early = dials.get();
            c.sim.runFor(Duration.ofMinutes(10).minusSeconds(5));
            return new int[] {early, dials.get()};
        }
    }

    private static Transport counting(Transport inner, AtomicInteger dials) {
        return new ForwardingTransport(inner) {
            @Override
            public CompletableFuture<StreamConnection> dialAddress(Address addr, Duration timeout) {
                dials.incrementAndGet();
                return inner.dialAddress(addr, timeout);
            }
        };
    }
}
