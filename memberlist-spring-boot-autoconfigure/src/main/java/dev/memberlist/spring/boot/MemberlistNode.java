package dev.memberlist.spring.boot;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.MemberlistException;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.security.Keyring;
import dev.memberlist.spring.boot.event.MemberlistJoinedEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * The application's memberlist node: the engine {@link Memberlist} it runs, started and
 * stopped with the application context, whether it joined its cluster, and joining and
 * leaving on demand. Health, the endpoint, {@link MemberlistTags} and {@link
 * MemberlistBroadcaster} reach the node through it.
 *
 * <p>Start binds the node, then joins the seeds: start-up waits for the first attempt at most
 * {@code join-timeout}; while no seed has answered, joining is retried in the background every
 * {@code join-retry-interval}, until one does (a {@link MemberlistJoinedEvent} says so) or
 * another member joins this node. With {@code join-fail-fast} start-up fails instead when the
 * first attempt does not succeed. Stop leaves the cluster gracefully, waiting at most {@code
 * leave-timeout} for the leave to be gossiped, then shuts the node down.
 *
 * <p>An engine node cannot start again once shut down, so a start after a stop runs a fresh
 * node of the same configuration (same name, same tags, same keyring) and joins the seeds and
 * the members the old node knew when it stopped. {@link #getMemberlist()} always returns the
 * node running now; keep this object rather than the {@link Memberlist} when the context may be
 * stopped and started again.
 *
 * <p>The node is not {@link #isPauseable() pauseable}: pausing a context (as the test
 * framework's context cache does to contexts it is not using) leaves it running and a member
 * of its cluster, as Boot's web server keeps serving.
 *
 * <p>It runs in the last {@link #getPhase() phase}: the node joins once everything else (a web
 * server, for example) has started, and leaves before anything else stops.
 */
public class MemberlistNode implements SmartLifecycle, DisposableBean {

    private static final Log logger = LogFactory.getLog(MemberlistNode.class);

    private final Supplier<Memberlist> factory;

    private final List<String> seeds;

    private final Duration joinTimeout;

    private final Duration joinRetryInterval;

    private final Duration leaveTimeout;

    private boolean joinFailFast;

    private @Nullable ApplicationEventPublisher eventPublisher;

    private @Nullable Keyring keyring;

    private String label = "";

    private volatile @Nullable Memberlist current;

    private volatile boolean running;

    /** A start-up join of the current node succeeded. */
    private volatile boolean joined;

    /** Members the last node knew when it stopped, joined again by the next one. */
    private volatile List<String> knownMembers = List.of();

    /** Join through the node's {@code SeedProvider} ({@link Memberlist#joinSeedsAsync()}) rather than the seed list. */
    private volatile boolean seedsFromProvider;

    private volatile @Nullable ScheduledExecutorService joiner;

    private volatile int failedJoins;

    /**
     * @param factory makes a new node, prepared and not started: the first, and one for each
     *     start after a stop
     * @param seeds members to join at start, may be empty
     * @param joinTimeout how long start-up waits for the first join attempt
     * @param joinRetryInterval how often joining is retried while no seed answered
     * @param leaveTimeout how long stop waits for the leave to be gossiped
     */
    public MemberlistNode(
            Supplier<Memberlist> factory,
            List<String> seeds,
            Duration joinTimeout,
            Duration joinRetryInterval,
            Duration leaveTimeout) {
        this.factory = factory;
        this.seeds = List.copyOf(seeds);
        this.joinTimeout = joinTimeout;
        this.joinRetryInterval = joinRetryInterval;
        this.leaveTimeout = leaveTimeout;
    }

    /**
     * Whether start-up fails when the first join attempt does not reach a seed within {@code
     * join-timeout}, rather than going on alone and retrying in the background.
     */
    /**
     * Joins through the engine node's seed provider ({@code Config.setSeedProvider}): DNS names
     * and {@code dns+srv://} seeds looked up afresh at every attempt, as the provider's rejoin
     * rounds do later.
     *
     * @param seedsFromProvider whether the node's config carries the seed provider to join through
     */
    public void setSeedsFromProvider(boolean seedsFromProvider) {
        this.seedsFromProvider = seedsFromProvider;
    }

    public void setJoinFailFast(boolean joinFailFast) {
        this.joinFailFast = joinFailFast;
    }

    /** Where {@link MemberlistJoinedEvent}s go; none are published without one. */
    public void setEventPublisher(@Nullable ApplicationEventPublisher eventPublisher) {
        this.eventPublisher = eventPublisher;
    }

    /**
     * The keyring every node this object runs encrypts with, shared with the engine so that
     * keys installed at runtime take effect at once and outlive a restart.
     */
    public void setKeyring(@Nullable Keyring keyring) {
        this.keyring = keyring;
    }

    /** The shared keyring, or null when traffic is not encrypted (or the node is the application's own). */
    public @Nullable Keyring getKeyring() {
        return this.keyring;
    }

    /** The cluster label the nodes are configured with. */
    public void setLabel(String label) {
        this.label = label;
    }

    /** The cluster label, empty for none. */
    public String getLabel() {
        return this.label;
    }

    /**
     * Lets the tags and the broadcaster reach the node running now.
     *
     * @param tags the node's tags, or null when it has none
     * @param broadcaster its broadcaster, or null
     */
    public void attach(@Nullable MemberlistTags tags, @Nullable MemberlistBroadcaster broadcaster) {
        if (tags != null) {
            tags.attach(() -> this.current);
        }
        if (broadcaster != null) {
            broadcaster.attach(() -> this.current);
        }
    }

    /** The engine node running now, or prepared to run; a fresh one after a stop and a start. */
    public Memberlist getMemberlist() {
        Memberlist memberlist = this.current;
        if (memberlist == null) {
            synchronized (this) {
                memberlist = this.current;
                if (memberlist == null) {
                    memberlist = this.factory.get();
                    this.current = memberlist;
                }
            }
        }
        return memberlist;
    }

    @Override
    public synchronized void start() {
        if (this.running) {
            return;
        }
        Memberlist memberlist = getMemberlist();
        if (memberlist.isShutdown() || memberlist.hasLeft()) {
            // an engine node runs once: a restart is a new node under the same name
            memberlist = this.factory.get();
            this.current = memberlist;
        }
        this.joined = false;
        this.failedJoins = 0;
        if (!memberlist.isRunning()) {
            try {
                memberlist.start();
            } catch (IllegalArgumentException ex) {
                // the engine checks the metadata only now, when it first announces the node;
                // the failure analyzer names the property from the engine's exception
                throw new MemberlistStartupException("Invalid memberlist configuration: " + ex.getMessage(), null, ex);
            } catch (IOException | RuntimeException ex) {
                throw new MemberlistStartupException(
                        "memberlist node '" + memberlist.name() + "' could not bind: " + ex.getMessage(), null, ex);
            }
        }
        this.running = true;
        logger.info("memberlist node '" + memberlist.name() + "' listening on "
                + memberlist.localNode().address());
        List<String> targets = joinTargets();
        if (!targets.isEmpty() || this.seedsFromProvider) {
            joinAtStartup(memberlist, targets);
        }
    }

    /** The seeds, then the members the previous node knew, once each. */
    private List<String> joinTargets() {
        Set<String> targets = new LinkedHashSet<>(this.seeds);
        targets.addAll(this.knownMembers);
        return List.copyOf(targets);
    }

    private void joinAtStartup(Memberlist memberlist, List<String> targets) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
            Thread thread = new Thread(runnable, "memberlist-join");
            thread.setDaemon(true);
            return thread;
        });
        this.joiner = executor;
        Future<Boolean> first = executor.submit(() -> attemptJoin(memberlist, targets));
        boolean succeeded = false;
        try {
            succeeded = first.get(this.joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException ex) {
            if (!this.joinFailFast) {
                logger.info("memberlist: start-up goes on after waiting " + this.joinTimeout
                        + " for the first join; joining continues in the background");
            }
        } catch (ExecutionException ex) {
            // attemptJoin handles its own failures
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        if (this.joinFailFast && !succeeded && !isJoined()) {
            leave(false);
            throw new MemberlistStartupException(
                    "memberlist node '" + memberlist.name() + "' could not join any of " + targets + " within "
                            + this.joinTimeout + ", and memberlist.join-fail-fast is true",
                    "memberlist.join-fail-fast",
                    null);
        }
    }

    /** One join attempt on the joiner thread; schedules the next one when it fails. */
    private boolean attemptJoin(Memberlist memberlist, List<String> targets) {
        if (!this.running || this.current != memberlist || this.joined) {
            return false;
        }
        try {
            // bounded: a seed that accepts the connection but never answers must not stall retries
            CompletableFuture<Integer> join =
                    this.seedsFromProvider ? joinThroughProvider(memberlist) : memberlist.joinAsync(targets);
            int contacted = join.get(this.joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
            this.joined = true;
            logger.info("memberlist: joined the cluster through " + contacted + " of " + targets);
            publishJoined(memberlist, targets, contacted);
            return true;
        } catch (ExecutionException ex) {
            joinFailed(targets, String.valueOf(ex.getCause().getMessage()));
        } catch (TimeoutException ex) {
            joinFailed(targets, "no seed answered within " + this.joinTimeout);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException ex) {
            joinFailed(targets, ex.toString());
        }
        ScheduledExecutorService executor = this.joiner;
        if (this.running && !this.joinFailFast && executor != null && !executor.isShutdown()) {
            executor.schedule(
                    () -> attemptJoin(memberlist, targets), this.joinRetryInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return false;
    }

    /** The provider's seeds, and the members the previous node knew; fails when neither joined. */
    private CompletableFuture<Integer> joinThroughProvider(Memberlist memberlist) {
        List<String> known = this.knownMembers;
        CompletableFuture<Integer> seeds = memberlist.joinSeedsAsync();
        if (known.isEmpty()) {
            return seeds;
        }
        CompletableFuture<Integer> members = memberlist.joinAsync(known);
        return seeds.handle((n, e) -> (e != null) ? 0 : n)
                .thenCombine(members.handle((n, e) -> (e != null) ? 0 : n), Integer::sum)
                .thenCompose((sum) -> (sum > 0) ? CompletableFuture.completedFuture(sum) : seeds);
    }

    private void publishJoined(Memberlist memberlist, List<String> targets, int contacted) {
        ApplicationEventPublisher publisher = this.eventPublisher;
        if (publisher == null) {
            return;
        }
        try {
            publisher.publishEvent(new MemberlistJoinedEvent(memberlist, targets, contacted));
        } catch (RuntimeException ex) {
            logger.warn("A MemberlistJoinedEvent listener failed", ex);
        }
    }

    /** The first failure is a warning; retries that fail too are logged at debug, to keep the log readable. */
    private void joinFailed(List<String> targets, String reason) {
        String message = "memberlist: could not join " + targets + ": " + reason
                + (this.joinFailFast ? "" : "; retrying every " + this.joinRetryInterval);
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
     * @throws IllegalStateException when the node is not running
     */
    public int join(List<String> seeds) {
        Memberlist memberlist = getMemberlist();
        if (!memberlist.isRunning() || memberlist.hasLeft()) {
            throw new IllegalStateException("memberlist node '" + memberlist.name() + "' is not running");
        }
        int contacted = memberlist.join(seeds);
        this.joined = true;
        return contacted;
    }

    /**
     * Leaves the cluster gracefully, waiting at most {@code leave-timeout} for the leave to be
     * gossiped, and shuts the node down. The application goes on running; a later start of the
     * context runs a fresh node.
     */
    public void leave() {
        leave(true);
    }

    private synchronized void leave(boolean rememberMembers) {
        this.running = false;
        stopJoining();
        Memberlist memberlist = this.current;
        if (memberlist == null) {
            return;
        }
        if (rememberMembers) {
            this.knownMembers = aliveOthers(memberlist);
        }
        if (memberlist.isRunning() && !memberlist.hasLeft()) {
            try {
                memberlist.leave(this.leaveTimeout);
            } catch (MemberlistException | IllegalStateException ex) {
                logger.warn("memberlist: leave was not gossiped within " + this.leaveTimeout + ": " + ex.getMessage());
            }
        }
        memberlist.shutdown();
    }

    private static List<String> aliveOthers(Memberlist memberlist) {
        List<String> addresses = new ArrayList<>();
        for (Node node : memberlist.members()) {
            InetAddress ip = node.inetAddress();
            if (!node.name().equals(memberlist.name()) && ip != null) {
                String host = ip.getHostAddress();
                addresses.add((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + node.port());
            }
        }
        return addresses;
    }

    @Override
    public void stop() {
        leave(true);
    }

    /**
     * False: a paused context keeps its node running and in its cluster. Leaving on every
     * pause would churn the cluster (every member hears a leave and a join again) for a context
     * that only sleeps, as the test framework's context cache pauses the ones it does not use.
     */
    @Override
    public boolean isPauseable() {
        return false;
    }

    @Override
    public boolean isRunning() {
        Memberlist memberlist = this.current;
        return this.running && memberlist != null && memberlist.isRunning();
    }

    @Override
    public void destroy() {
        // a context whose refresh failed after the node started never stops it
        Memberlist memberlist = this.current;
        if (memberlist != null) {
            stopJoining();
            memberlist.shutdown();
        }
    }

    private void stopJoining() {
        ScheduledExecutorService executor = this.joiner;
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /**
     * Whether the node is part of a cluster: it has nothing to join, a join succeeded, or
     * another member is known (it joined us).
     */
    public boolean isJoined() {
        Memberlist memberlist = this.current;
        return joinTargets().isEmpty() || this.joined || (memberlist != null && memberlist.numMembers() > 1);
    }

    /** Whether the node left its cluster on purpose: through {@link #leave()} or a stop. */
    public boolean hasLeft() {
        Memberlist memberlist = this.current;
        return memberlist != null && memberlist.hasLeft();
    }

    /** The seeds joined at start-up. */
    public List<String> getSeeds() {
        return this.seeds;
    }
}
