package dev.memberlist.spring.cloud.discovery;

import dev.memberlist.spring.boot.event.MemberEvent;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;

/**
 * Publishes Spring Cloud's {@link HeartbeatEvent} on every membership change the local node
 * sees: a member joined, left, failed or changed its tags. Its value is a counter that grows
 * with each change, so a {@code HeartbeatMonitor} (Gateway's route refresh) sees every one as
 * new. It is published on the node's delegate queue, after the member list changed, so a
 * listener that reads the discovery client then reads the new list.
 */
public class MemberlistHeartbeatPublisher implements ApplicationListener<MemberEvent> {

    private final ApplicationEventPublisher publisher;

    private final AtomicLong changes = new AtomicLong();

    /** @param publisher where the heartbeats go */
    public MemberlistHeartbeatPublisher(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void onApplicationEvent(MemberEvent event) {
        this.publisher.publishEvent(new HeartbeatEvent(this, this.changes.incrementAndGet()));
    }

    /** How many changes were published so far. */
    public long getChanges() {
        return this.changes.get();
    }
}
