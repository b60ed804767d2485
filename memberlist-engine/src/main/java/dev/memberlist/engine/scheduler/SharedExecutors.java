package dev.memberlist.engine.scheduler;

import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads every node of a JVM shares, so that threads grow with cores, not with nodes:
 *
 * <ul>
 *   <li>{@link #protocol()}: one thread per core (system property {@code memberlist.protocol-threads})
 *       running the nodes' {@link Strand strands}: protocol work that never blocks;
 *   <li>{@link #timer()}: one thread that only hands due timers to their strands;
 *   <li>{@link #delegates()}: for work that may block: application delegates (each node's
 *       delegate queue is a strand on it) and the stream side of push-pull, which calls the node
 *       delegate's {@code localState} and {@code mergeRemoteState}. As many threads as cores
 *       (at least 2; system property {@code memberlist.delegate-threads}) while tasks flow, and
 *       more, up to {@code memberlist.delegate-threads.max} (256), only while they starve because
 *       delegates block; see {@link ElasticExecutor}.
 * </ul>
 *
 * <p>All are created on first use and never shut down; their threads are daemons. A node shut
 * down only stops its own strands.
 */
public final class SharedExecutors {
    private static final Logger log = LoggerFactory.getLogger(SharedExecutors.class);

    private SharedExecutors() {}

    /** The pool of protocol strands: as many threads as cores. */
    public static Executor protocol() {
        return Protocol.POOL;
    }

    /** The timer every strand schedules on. Its tasks must only hand off. */
    public static ScheduledExecutorService timer() {
        return Timer.TIMER;
    }

    /** The pool for work that may block: delegates and the stream side of push-pull. */
    public static Executor delegates() {
        return Delegates.POOL;
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    private static int threads(String property, int fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "system property " + property + " must be a whole number >= 1, got '" + v + "'");
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static final class Protocol {
        static final ForkJoinPool POOL = new ForkJoinPool(
                threads("memberlist.protocol-threads", cores()),
                pool -> {
                    var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                    t.setName("memberlist-protocol-" + t.getPoolIndex());
                    t.setDaemon(true);
                    return t;
                },
                (t, e) -> log.error("memberlist: uncaught error on {}", t.getName(), e),
                // FIFO: strands are event loops, not divide-and-conquer tasks
                true);
    }

    private static final class Timer {
        static final ScheduledThreadPoolExecutor TIMER = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, daemons("memberlist-timer-"));
            t.setRemoveOnCancelPolicy(true);
            t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            return t;
        }
    }

    private static final class Delegates {
        static final ElasticExecutor POOL = new ElasticExecutor(
                threads("memberlist.delegate-threads", Math.max(2, cores())),
                threads("memberlist.delegate-threads.max", 256),
                daemons("memberlist-delegate-"),
                Timer.TIMER);
    }
}
