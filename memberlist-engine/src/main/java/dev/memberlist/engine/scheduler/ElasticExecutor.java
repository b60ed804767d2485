package dev.memberlist.engine.scheduler;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pool for work that may block (application delegates): a few threads while tasks flow, more
 * only while they starve. While tasks wait in its queue, it looks every {@value #CHECK_MILLIS} ms:
 * when every thread is busy and not one task finished since the last look, the threads are all
 * stuck in something slow, and one more is added, up to {@code max}. When nothing waits, the size drifts back to {@code base}, and idle
 * threads end after 30 s. So a JVM of many nodes runs on {@code base} threads until delegates
 * block, and a blocked delegate never starves the others for long (Go starts a goroutine per
 * stream; this is the closest a fixed set of platform threads comes).
 */
final class ElasticExecutor implements Executor {
    static final long CHECK_MILLIS = 200;

    private final int base;
    private final int max;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService timer;
    /** A check is scheduled: checks run only while tasks wait, so an idle JVM never wakes for them. */
    private final AtomicBoolean checking = new AtomicBoolean();
    /** Tasks finished at the last check; touched by the timer thread only. */
    private long lastCompleted;

    ElasticExecutor(int base, int max, ThreadFactory threads, ScheduledExecutorService timer) {
        this.base = base;
        this.max = Math.max(base, max);
        this.pool = new ThreadPoolExecutor(base, this.max, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        pool.allowCoreThreadTimeOut(true);
        this.timer = timer;
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
        if (!pool.getQueue().isEmpty() && checking.compareAndSet(false, true)) {
            lastCompleted = -1; // the first look only notes where things stand
            timer.schedule(this::check, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Threads now. */
    int poolSize() {
        return pool.getPoolSize();
    }

    /** Grows while the queue does not move, shrinks back once it is empty. On the timer thread. */
    private void check() {
        long completed = pool.getCompletedTaskCount();
        boolean moved = completed != lastCompleted;
        lastCompleted = completed;
        int core = pool.getCorePoolSize();
        if (pool.getQueue().isEmpty()) {
            if (core > base) {
                pool.setCorePoolSize(core - 1);
            } else {
                checking.set(false);
                // a task queued since the look above must not go unwatched
                if (pool.getQueue().isEmpty() || !checking.compareAndSet(false, true)) {
                    return;
                }
            }
        } else if (!moved && pool.getActiveCount() >= core && core < max) {
            // tasks wait, every thread is busy, and none finished for a whole period: they are blocked
            pool.setCorePoolSize(core + 1);
        }
        timer.schedule(this::check, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }
}
