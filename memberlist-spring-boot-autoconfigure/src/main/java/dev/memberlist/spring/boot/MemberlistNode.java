package dev.memberlist.spring.boot;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.MemberlistException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * The application's memberlist node: the engine {@link Memberlist} it runs, started and
 * stopped with the application context, whether it joined its cluster, and joining and
 * leaving on demand. Health, the endpoint, {@link MemberlistTags} and {@link
 * MemberlistBroadcaster} reach the node through it.
 *
 * <p>Start binds the node, then joins the seeds: start-up waits for the first attempt at most
 * {@code join-timeout}; while no seed has answered, joining is retried in the background every
 * {@code join-retry-interval}, until one does or another member joins this node. Stop leaves
 * the cluster gracefully, waiting at most {@code leave-timeout} for the leave to be gossiped,
 * then shuts the node down.
 *
 * <p>It runs in the last {@link #getPhase() phase}: the node joins once everything else (a web
 * server, for example) has started, and leaves before anything else stops.
 */
public class MemberlistNode implements SmartLifecycle {

    private static final Log logger = LogFactory.getLog(MemberlistNode.class);

    private final Memberlist memberlist;

    private final List<String> seeds;

    private final Duration joinTimeout;

    private final Duration joinRetryInterval;

    private final Duration leaveTimeout;

    private volatile boolean running;

    private volatile boolean joined;

    private volatile @Nullable ScheduledExecutorService joiner;

    private volatile int failedJoins;

    /**
     * @param memberlist the node, created but not necessarily started
     * @param seeds members to join at start, may be empty
     * @param joinTimeout how long start-up waits for the first join attempt
     * @param joinRetryInterval how often joining is retried while no seed answered
     * @param leaveTimeout how long stop waits for the leave to be gossiped
     */
    public MemberlistNode(
            Memberlist memberlist,
            List<String> seeds,
            Duration joinTimeout,
            Duration joinRetryInterval,
            Duration leaveTimeout) {
        this.memberlist = memberlist;
        this.seeds = List.copyOf(seeds);
        this.joinTimeout = joinTimeout;
        this.joinRetryInterval = joinRetryInterval;
        this.leaveTimeout = leaveTimeout;
    }

    @Override
    public void start() {
        if (!this.memberlist.isRunning() && !this.memberlist.isShutdown()) {
            try {
                this.memberlist.start();
            } catch (IllegalArgumentException ex) {
                // the engine checks the metadata only now, when it first announces the node
                // the failure analyzer names the property from the engine's exception
                throw new MemberlistStartupException("Invalid memberlist configuration: " + ex.getMessage(), null, ex);
            } catch (IOException | RuntimeException ex) {
                throw new MemberlistStartupException(
                        "memberlist node '" + this.memberlist.name() + "' could not bind: " + ex.getMessage()
                                + " (memberlist.bind-address, memberlist.bind-port)",
                        null,
                        ex);
            }
        }
        this.running = true;
        logger.info("memberlist node '" + this.memberlist.name() + "' listening on "
                + this.memberlist.localNode().address());
        if (!this.seeds.isEmpty()) {
            joinAtStartup();
        }
    }

    private void joinAtStartup() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
            Thread thread = new Thread(runnable, "memberlist-join");
            thread.setDaemon(true);
            return thread;
        });
        this.joiner = executor;
        Future<?> first = executor.submit(this::attemptJoin);
        try {
            first.get(this.joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException ex) {
            logger.info("memberlist: start-up goes on after waiting " + this.joinTimeout
                    + " for the first join; joining continues in the background");
        } catch (ExecutionException ex) {
            // attemptJoin handles its own failures
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** One join attempt on the joiner thread; schedules the next one when it fails. */
    private void attemptJoin() {
        if (!this.running || isJoined()) {
            return;
        }
        try {
            // bounded: a seed that accepts the connection but never answers must not stall retries
            CompletableFuture<Integer> join = this.memberlist.joinAsync(this.seeds);
            int contacted = join.get(this.joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
            this.joined = true;
            logger.info("memberlist: joined the cluster through " + contacted + " of " + this.seeds);
            return;
        } catch (ExecutionException ex) {
            joinFailed(ex.getCause().getMessage());
        } catch (TimeoutException ex) {
            joinFailed("no seed answered within " + this.joinTimeout);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException ex) {
            joinFailed(ex.toString());
        }
        ScheduledExecutorService executor = this.joiner;
        if (this.running && executor != null && !executor.isShutdown()) {
            executor.schedule(this::attemptJoin, this.joinRetryInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The first failure is a warning; retries that fail too are logged at debug, to keep the log readable. */
    private void joinFailed(String reason) {
        String message = "memberlist: could not join " + this.seeds + ": " + reason + "; retrying every "
                + this.joinRetryInterval;
        if (this.failedJoins++ == 0) {
            logger.warn(message);
        } else if (logger.isDebugEnabled()) {
            logger.debug(message);
        }
    }

    /**
     * Joins more members now, on the caller's thread.
     *
     * @param seeds members as {@code host:port} or {@code host}
     * @return how many of them answered
     * @throws MemberlistException when none did
     */
    public int join(List<String> seeds) {
        int contacted = this.memberlist.join(seeds);
        this.joined = true;
        return contacted;
    }

    /**
     * Leaves the cluster gracefully, waiting at most {@code leave-timeout} for the leave to be
     * gossiped, and shuts the node down. The application goes on running; the node cannot
     * rejoin.
     */
    public void leave() {
        this.running = false;
        stopJoining();
        if (this.memberlist.isRunning() && !this.memberlist.hasLeft()) {
            try {
                this.memberlist.leave(this.leaveTimeout);
            } catch (MemberlistException | IllegalStateException ex) {
                logger.warn("memberlist: leave was not gossiped within " + this.leaveTimeout + ": " + ex.getMessage());
            }
        }
        this.memberlist.shutdown();
    }

    @Override
    public void stop() {
        leave();
    }

    private void stopJoining() {
        ScheduledExecutorService executor = this.joiner;
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return this.running && this.memberlist.isRunning();
    }

    /**
     * Whether the node is part of a cluster: no seeds were configured, a join succeeded, or
     * another member is known (it joined us).
     */
    public boolean isJoined() {
        return this.seeds.isEmpty() || this.joined || this.memberlist.numMembers() > 1;
    }

    /** The seeds joined at start-up. */
    public List<String> getSeeds() {
        return this.seeds;
    }

    /** The engine node. */
    public Memberlist getMemberlist() {
        return this.memberlist;
    }

    /**
     * Lets the tags and the broadcaster reach the node.
     *
     * @param tags the node's tags, or null when it has none
     * @param broadcaster its broadcaster, or null
     */
    public void attach(@Nullable MemberlistTags tags, @Nullable MemberlistBroadcaster broadcaster) {
        if (tags != null) {
            tags.attach(this::getMemberlist);
        }
        if (broadcaster != null) {
            broadcaster.attach(this::getMemberlist);
        }
    }
}
