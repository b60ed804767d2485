package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.engine.delegate.EventDelegate;
import dev.memberlist.spring.boot.event.MemberFailedEvent;
import dev.memberlist.spring.boot.event.MemberJoinedEvent;
import dev.memberlist.spring.boot.event.MemberLeftEvent;
import dev.memberlist.spring.boot.event.MemberMessageEvent;
import dev.memberlist.spring.boot.event.MemberUpdatedEvent;
import java.util.function.Function;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes the node's membership changes and user messages as application events. The engine
 * calls its event delegates and {@code notifyMsg} on the node's delegate queue, one at a time,
 * in order and off the protocol's path, so events are published right there: listeners see them
 * in order, and a slow listener delays only the events behind it (the engine bounds and counts
 * what waits), never failure detection.
 */
class MemberlistEventPublisher implements DisposableBean {

    /** The engine's delegate threads, which listeners run on. */
    static final String THREAD_PREFIX = "memberlist-delegate-";

    private static final Log logger = LogFactory.getLog(MemberlistEventPublisher.class);

    private final ApplicationEventPublisher publisher;

    private volatile Memberlist memberlist;

    private volatile boolean closed;

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
        if (source == null || this.closed) {
            // not bound yet, or the context is closing: nobody is listening any more
            return;
        }
        try {
            this.publisher.publishEvent(event.apply(source));
        } catch (RuntimeException ex) {
            logger.warn("A memberlist event listener failed", ex);
        }
    }

    @Override
    public void destroy() {
        this.closed = true;
    }
}
