package dev.memberlist.engine;

import dev.memberlist.engine.metrics.Metrics;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's delegate queue: the application's callbacks that need no answer (user messages,
 * membership events, conflicts, ping results) run here, one at a time and in order, off the
 * protocol's path, as Go runs {@code NotifyMsg} on its handler goroutine behind the handoff
 * queue. A slow delegate delays only what comes after it in this queue.
 *
 * <p>Bounded as Go's handoff queue: past {@code handoffQueueDepth} waiting user messages, new
 * ones are dropped and counted ({@code memberlist.delegate.dropped}, {@code kind=msg}). Events are
 * bounded separately and far higher, since a node joining a big cluster learns of every member
 * at once: past {@link #maxEvents} waiting events, new ones are dropped and counted too.
 */
final class DelegateQueue {
    private static final Logger log = LoggerFactory.getLogger(DelegateQueue.class);

    /** Events waiting at most, whatever the handoff depth: one per member of a 64k-node cluster. */
    static final int MIN_EVENT_LIMIT = 65_536;

    private final String name;
    private final Executor serial;
    private final Metrics metrics;
    private final int maxMessages;
    private final int maxEvents;
    private final AtomicInteger messages = new AtomicInteger();
    private final AtomicInteger events = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile boolean warnedMessages;
    private volatile boolean warnedEvents;

    /**
     * @param serial runs tasks one at a time in order (a strand on the shared delegate pool, or a
     *     simulation's scheduler)
     * @param handoffQueueDepth Go's {@code HandoffQueueDepth}: user messages waiting at most
     */
    DelegateQueue(String name, Executor serial, Metrics metrics, int handoffQueueDepth) {
        this.name = name;
        this.serial = serial;
        this.metrics = metrics;
        this.maxMessages = handoffQueueDepth;
        this.maxEvents = Math.max(MIN_EVENT_LIMIT, 64 * handoffQueueDepth);
    }

    /** Queues a user message's delivery; dropped and counted when the queue is full. */
    void message(Runnable delivery) {
        submit(delivery, messages, maxMessages, "msg");
    }

    /** Queues a membership event (join, leave, update, conflict, ping result). */
    void event(Runnable delivery, String kind) {
        submit(delivery, events, maxEvents, kind);
    }

    private void submit(Runnable delivery, AtomicInteger pending, int max, String kind) {
        if (pending.incrementAndGet() > max) {
            pending.decrementAndGet();
            dropped.increment();
            metrics.incrCounter("memberlist.delegate.dropped", 1, "kind", kind);
            warnFull(pending == messages, kind);
            return;
        }
        serial.execute(() -> {
            pending.decrementAndGet();
            run(delivery, kind);
        });
    }

    private void warnFull(boolean msgs, String kind) {
        if (msgs ? warnedMessages : warnedEvents) {
            log.debug("{}: delegate queue full, dropping {}", name, kind);
            return;
        }
        if (msgs) {
            warnedMessages = true;
        } else {
            warnedEvents = true;
        }
        log.warn(
                "{}: delegate queue full ({} waiting), dropping {}: a delegate is too slow for the traffic;"
                        + " further drops are logged at debug and counted in memberlist.delegate.dropped",
                name,
                msgs ? maxMessages : maxEvents,
                kind);
    }

    /** Runs one delegate call: whatever it throws is logged and counted, except a dying JVM's errors. */
    void run(Runnable delivery, String kind) {
        try {
            delivery.run();
        } catch (Throwable e) {
            failed(e, kind);
        }
    }

    /** Logs and counts a delegate's failure; rethrows the errors of a dying JVM. */
    void failed(Throwable e, String kind) {
        if (isFatal(e)) {
            throw (Error) e;
        }
        failures.increment();
        metrics.incrCounter("memberlist.delegate.errors", 1, "kind", kind);
        log.warn("{}: delegate failed ({})", name, kind, e);
    }

    /** Out of memory and the JVM's internal errors are not a delegate's to swallow; a stack overflow is. */
    static boolean isFatal(Throwable e) {
        return e instanceof VirtualMachineError && !(e instanceof StackOverflowError);
    }

    /** Deliveries dropped so far because the queue was full. */
    long dropped() {
        return dropped.sum();
    }

    /** Delegate calls that threw so far. */
    long failures() {
        return failures.sum();
    }

    /** User messages waiting. */
    int pendingMessages() {
        return messages.get();
    }
}
