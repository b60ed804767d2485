package dev.memberlist.engine.discovery;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a node finds the members to join. Asked again before every attempt (the first join and
 * each {@code rejoinInterval} tick), so the answer may follow a changing world: a Kubernetes
 * headless Service whose pods were all replaced, a DNS name behind an autoscaling group.
 *
 * <p>An implementation must not block: it is called on the node's strand, and completes its
 * future wherever its lookups finish.
 */
@FunctionalInterface
public interface SeedProvider {

    /**
     * The seeds as they are now.
     *
     * @return every address to try; fails only when nothing could be found at all (a name that
     *     does not resolve while another does leaves just the other's addresses)
     */
    CompletableFuture<List<InetSocketAddress>> seeds();

    /**
     * A fixed list, for tests and for callers that resolve on their own.
     *
     * @param seeds the addresses, never re-resolved
     * @return a provider that always answers them
     */
    static SeedProvider of(List<InetSocketAddress> seeds) {
        List<InetSocketAddress> copy = List.copyOf(seeds);
        return () -> CompletableFuture.completedFuture(copy);
    }
}
