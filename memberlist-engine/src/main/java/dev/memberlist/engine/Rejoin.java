package dev.memberlist.engine;

import dev.memberlist.engine.discovery.SeedProvider;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joining the seeds a {@link SeedProvider} finds, once ({@link Memberlist#joinSeeds()}) and then
 * every {@code rejoinInterval} while the node sees fewer live members than there are seeds (not
 * in Go). Go's memberlist joins only when told to and heals a partition only by reconnecting to
 * members it knew; a cluster whose every member restarted on a new address (a Kubernetes
 * rollout, a StatefulSet recreated) knows nobody, and only the seeds' name can bring it back
 * together.
 *
 * <p>A tick runs on the strand but only starts the lookup; the lookup completes on Netty's event
 * loop and the joins are push-pulls on the stream side, so nothing here holds the strand.
 */
final class Rejoin {
    private static final Logger log = LoggerFactory.getLogger(Rejoin.class);

    private final NodeContext ctx;
    private final SeedProvider provider;
    /** One round at a time: a slow lookup or join must not pile rounds up. */
    private final AtomicBoolean inRound = new AtomicBoolean();

    Rejoin(NodeContext ctx, SeedProvider provider) {
        this.ctx = ctx;
        this.provider = provider;
    }

    /** The seeds, ourselves left out. */
    CompletableFuture<List<InetSocketAddress>> others() {
        return provider.seeds()
                .thenApply(seeds ->
                        seeds.stream().filter(sa -> !isSelf(sa)).distinct().toList());
    }

    /** Joins every given seed; how many exchanges succeeded. Any thread. */
    CompletableFuture<Integer> join(List<InetSocketAddress> seeds) {
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        List<Address> addrs = seeds.stream().map(Address::of).toList();
        return ctx.pushPull.joinAll(addrs, errors).whenComplete((ok, e) -> {
            if (!errors.isEmpty()) {
                log.debug("{}: seeds not joined: {}", ctx.name, String.join("; ", errors));
            }
        });
    }

    /** One rejoin round (the ticker's). Strand. */
    void tick() {
        if (ctx.isShutdown() || ctx.hasLeft() || !inRound.compareAndSet(false, true)) {
            return;
        }
        others().thenCompose(seeds -> {
                    List<NodeRecord> live = ctx.membership.nodeMap.values().stream()
                            .filter(r -> r.state == NodeState.ALIVE && !r.name.equals(ctx.name))
                            .toList();
                    if (live.size() >= seeds.size()) {
                        return CompletableFuture.completedFuture(0);
                    }
                    List<InetSocketAddress> missing = seeds.stream()
                            .filter(sa -> live.stream().noneMatch(r -> matches(r, sa)))
                            .toList();
                    if (missing.isEmpty()) {
                        return CompletableFuture.completedFuture(0);
                    }
                    // debug: a seed that is gone for good (a stale DNS entry) is tried every round
                    log.debug(
                            "{}: {} live members, {} seeds; joining the {} that are not members",
                            ctx.name,
                            live.size(),
                            seeds.size(),
                            missing.size());
                    ctx.metrics.incrCounter("memberlist.rejoin.attempts", missing.size());
                    return join(missing);
                })
                .whenComplete((joined, e) -> {
                    inRound.set(false);
                    if (e != null) {
                        log.debug("{}: rejoin round failed: {}", ctx.name, PushPullSync.rootMessage(e));
                    } else if (joined > 0) {
                        log.info("{}: rejoined through {} seed(s)", ctx.name, joined);
                        ctx.metrics.incrCounter("memberlist.rejoin.joined", joined);
                    }
                });
    }

    private boolean isSelf(InetSocketAddress sa) {
        byte[] own = ctx.advertiseAddr();
        return own != null && sa.getAddress() != null && matches(own, ctx.advertisePort(), sa);
    }

    private static boolean matches(NodeRecord r, InetSocketAddress sa) {
        return sa.getAddress() != null && matches(r.addr, r.port, sa);
    }

    private static boolean matches(byte[] addr, int port, InetSocketAddress sa) {
        return NodeRecord.sameAddress(addr, port, sa.getAddress().getAddress(), sa.getPort());
    }
}
