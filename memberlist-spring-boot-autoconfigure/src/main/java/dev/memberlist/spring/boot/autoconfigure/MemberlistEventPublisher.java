package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.engine.delegate.EventDelegate;
import dev.memberlist.spring.boot.autoconfigure.event.MemberFailedEvent;
import dev.memberlist.spring.boot.autoconfigure.event.MemberJoinedEvent;
import dev.memberlist.spring.boot.autoconfigure.event.MemberLeftEvent;
import dev.memberlist.spring.boot.autoconfigure.event.MemberMessageEvent;
import dev.memberlist.spring.boot.autoconfigure.event.MemberUpdatedEvent;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes the node's membership changes and user messages as application events. The
 * engine calls its delegates on the protocol thread, which must never wait for a listener, so
 * events are handed to one dedicated thread: listeners see them in order, off the protocol.
 */
class MemberlistEventPublisher implements DisposableBean {

    static final String THREAD_NAME = "memberlist-events";

    private static final Log logger = LogFactory.getLog(MemberlistEventPublisher.class);

    private final ApplicationEventPublisher publisher;

    private final ExecutorService executor = Executors.newSingleThreadExecutor((runnable) -> {
        Thread thread = new Thread(runnable, THREAD_NAME);
        thread.setDaemon(true);
        return thread;
    });

    private volatile Memberlist memberlist;

    MemberlistEventPublisher(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
    }

    /** Sets the node the events come from, before it starts. */
    void bind(Memberlist memberlist) {
        this.memberlist = memberlist;
    }

    /** The engine-facing side: membership callbacks, turned into events. */
    EventDelegate eventDelegate() {
        return new EventDelegate() {
            @Override
            public void notifyJoin(Node node) {
                publish((m) -> new MemberJoinedEvent(m, node));
            }

            @Override
            public void notifyLeave(Node node) {
                // the engine reports both through notifyLeave; the state tells them apart
                publish((m) -> (node.state() == NodeState.LEFT)
                        ? new MemberLeftEvent(m, node)
                        : new MemberFailedEvent(m, node));
            }

            @Override
            public void notifyUpdate(Node node) {
                publish((m) -> new MemberUpdatedEvent(m, node));
            }
        };
    }

    void notifyMessage(byte[] payload) {
        byte[] copy = payload.clone();
        publish((m) -> new MemberMessageEvent(m, copy));
    }

    private void publish(Function<Memberlist, ApplicationEvent> event) {
        Memberlist source = this.memberlist;
        if (source == null) {
            return;
        }
        try {
            this.executor.execute(() -> {
                try {
                    this.publisher.publishEvent(event.apply(source));
                } catch (RuntimeException ex) {
                    logger.warn("A memberlist event listener failed", ex);
                }
            });
        } catch (RejectedExecutionException ex) {
            // the context is closing; nobody is listening any more
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        this.executor.shutdown();
        // deliver what the node's leave queued, but never hold up shutdown for long
        if (!this.executor.awaitTermination(5, TimeUnit.SECONDS)) {
            this.executor.shutdownNow();
        }
    }
}
