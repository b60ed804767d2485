package dev.memberlist.sample;

import dev.memberlist.engine.Node;
import dev.memberlist.spring.boot.event.MemberEvent;
import dev.memberlist.spring.boot.event.MemberFailedEvent;
import dev.memberlist.spring.boot.event.MemberJoinedEvent;
import dev.memberlist.spring.boot.event.MemberLeftEvent;
import dev.memberlist.spring.boot.event.MemberMessageEvent;
import dev.memberlist.spring.boot.event.MemberUpdatedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Logs every membership change this node sees, one INFO line each. This is all it takes to
 * react to the cluster: the starter publishes the changes as application events, in the order
 * the node saw them, on the node's delegate queue ({@code memberlist-delegate-*} threads), never
 * on the protocol's path.
 */
@Component
public class MembershipLogger {

    private static final Logger logger = LoggerFactory.getLogger(MembershipLogger.class);

    @EventListener
    public void onJoined(MemberJoinedEvent event) {
        logger.info("Member joined: {}", describe(event));
    }

    /** A graceful leave: the member said goodbye (it was stopped, or left through the endpoint). */
    @EventListener
    public void onLeft(MemberLeftEvent event) {
        logger.info("Member left: {}", describe(event));
    }

    /** No goodbye: the member stopped answering probes and the cluster declared it dead. */
    @EventListener
    public void onFailed(MemberFailedEvent event) {
        logger.info("Member failed: {}", describe(event));
    }

    @EventListener
    public void onUpdated(MemberUpdatedEvent event) {
        logger.info("Member updated: {}", describe(event));
    }

    /** A user message, such as one sent from the page with {@link MessageController}. */
    @EventListener
    public void onMessage(MemberMessageEvent event) {
        logger.info("Message received: {}", event.getPayloadAsString());
    }

    private static String describe(MemberEvent event) {
        Node node = event.getNode();
        return node.name() + " at " + node.address() + " tags " + event.getTags()
                + (event.isLocal() ? " (this node)" : "");
    }
}
