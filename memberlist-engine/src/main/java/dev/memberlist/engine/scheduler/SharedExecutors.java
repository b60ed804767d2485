package dev.memberlist.engine.scheduler;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every node of a JVM shares, so that threads grow with cores, not with nodes:
 *
 * <ul>
 *   <li>{@link #protocolLoop()}: one protocol loop per core (system property
 *       {@code memberlist.protocol-threads}), each a thread with a task queue and a timer queue;
 *       a node's {@link Strand strand} is pinned to one, round robin, and its timers fire on that
 *       same thread. A timer costs one wake-up, and the timers of the nodes on one loop that fall
 *       due together share it: on a JVM a thread's wake-up is the dearest thing the protocol does.
 *   <li>{@link #timer()}: one thread for the I/O side's rare timeouts (an indirect probe's nack,
 *       a stream's deadline), which must not wait behind protocol work;
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
    private SharedExecutors() {}

    /** The next protocol loop, round robin: a strand pinned to it runs its tasks and timers there. */
    public static ProtocolLoop protocolLoop() {
        return Protocol.next();
    }

    /** The I/O side's timer. Its tasks must be short and never block. */
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
        static final ProtocolLoop[] LOOPS = create();
        static final AtomicInteger NEXT = new AtomicInteger();

        private static ProtocolLoop[] create() {
            ProtocolLoop[] loops = new ProtocolLoop[threads("memberlist.protocol-threads", cores())];
            long resolution = ProtocolLoop.defaultResolutionNanos();
            for (int i = 0; i < loops.length; i++) {
                loops[i] = new ProtocolLoop("memberlist-protocol-" + (i + 1), resolution);
            }
            return loops;
        }

        static ProtocolLoop next() {
            return LOOPS[Math.floorMod(NEXT.getAndIncrement(), LOOPS.length)];
        }
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
