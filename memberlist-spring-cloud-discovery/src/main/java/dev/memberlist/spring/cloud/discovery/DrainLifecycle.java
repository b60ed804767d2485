package dev.memberlist.spring.cloud.discovery;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the web server serving for {@code drain-time} after the node left, before Boot's
 * graceful shutdown stops taking requests, so that no caller routes a request to a server that
 * refuses it.
 *
 * <p>Why the order holds: on a context's stop, lifecycles stop from the highest phase down, one
 * phase after another. The memberlist node is in the last phase ({@code Integer.MAX_VALUE}): it
 * stops first, and its stop returns once its leave was gossiped enough times (or after {@code
 * memberlist.leave-timeout}). Every other member, on hearing it, drops it from its member list,
 * so from its discovery client, and empties LoadBalancer's cache. This lifecycle's phase is one
 * above Boot's {@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE}
 * ({@code Integer.MAX_VALUE - 1024}): it stops next and waits {@code drain-time}, while the web
 * server still serves the calls routed before the others heard the leave. Only then does the
 * graceful shutdown stop new requests and wait for those in flight, and the web server stops
 * in a phase lower still ({@code Integer.MAX_VALUE - 2048}).
 */
public class DrainLifecycle implements SmartLifecycle {

    /** One above {@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE}. */
    public static final int PHASE = Integer.MAX_VALUE - 1024 + 1;

    private final Duration drainTime;

    private volatile boolean running;

    /** @param drainTime how long the server keeps serving after the node left */
    public DrainLifecycle(Duration drainTime) {
        this.drainTime = drainTime;
    }

    @Override
    public void start() {
        this.running = true;
    }

    @Override
    public void stop() {
        this.running = false;
    }

    /** Completes after {@code drain-time}, without holding a thread. */
    @Override
    public void stop(Runnable callback) {
        this.running = false;
        if (this.drainTime.isZero() || this.drainTime.isNegative()) {
            callback.run();
            return;
        }
        CompletableFuture.delayedExecutor(this.drainTime.toMillis(), TimeUnit.MILLISECONDS)
                .execute(callback);
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public boolean isPauseable() {
        return false;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
