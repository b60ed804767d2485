package dev.memberlist.spring.boot;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.broadcast.Broadcast;
import dev.memberlist.engine.broadcast.NamedBroadcast;
import dev.memberlist.engine.broadcast.TransmitLimitedQueue;
import dev.memberlist.engine.broadcast.UniqueBroadcast;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Sends application messages to the cluster: {@link #broadcast broadcasts} ride on the node's
 * gossip, each sent a limited number of times ({@code retransmit-mult} times the log of the
 * cluster size) and received by every other member as a {@code MemberMessageEvent}; {@link
 * #send} writes one message to one member over a stream.
 *
 * <p>Gossip is best effort: a member that joins later, or misses every retransmission, never
 * sees a broadcast, and the local node does not receive its own. Thread-safe; nothing here
 * waits for the network, so it may be called from a delegate or a listener.
 */
public class MemberlistBroadcaster {

    private final TransmitLimitedQueue queue;

    private final int maxPayload;

    private volatile Supplier<@Nullable Memberlist> node = () -> null;

    /**
     * @param retransmitMult the node's {@code retransmit-mult}
     * @param maxPayload the largest payload that fits one gossip packet with the protocol's
     *     framing
     */
    public MemberlistBroadcaster(int retransmitMult, int maxPayload) {
        this.maxPayload = maxPayload;
        this.queue = new TransmitLimitedQueue(this::clusterSize, retransmitMult);
    }

    /** Sets the node whose cluster size bounds the retransmissions; {@link MemberlistNode} calls it. */
    void attach(Supplier<@Nullable Memberlist> node) {
        this.node = node;
    }

    private int clusterSize() {
        Memberlist memberlist = this.node.get();
        return (memberlist != null) ? memberlist.numMembers() : 1;
    }

    /**
     * Queues a broadcast to every other member.
     *
     * @param payload the message
     * @throws IllegalArgumentException when it is larger than one gossip packet holds
     */
    public void broadcast(byte[] payload) {
        this.queue.queueBroadcast(new Unique(checked(payload)));
    }

    /**
     * Queues a broadcast that replaces any queued broadcast of the same name, for state where
     * only the newest value matters.
     *
     * @param name what the message is about
     * @param payload the message
     * @throws IllegalArgumentException when it is larger than one gossip packet holds
     */
    public void broadcast(String name, byte[] payload) {
        Objects.requireNonNull(name, "name");
        // prefixed: the starter owns the queue, and the engine names its own broadcasts by node
        this.queue.queueBroadcast(new Named("user:" + name, checked(payload)));
    }

    /** {@link #broadcast(byte[])} of the text as UTF-8. */
    public void broadcast(String text) {
        broadcast(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends a message to one member over a TCP stream.
     *
     * @param member the member's name
     * @param payload the message
     * @return completes when the message was written; fails when the member is unknown, not
     *     alive or could not be reached
     */
    public CompletableFuture<Void> send(String member, byte[] payload) {
        Memberlist memberlist = this.node.get();
        Node to = (memberlist != null && memberlist.isRunning()) ? memberlist.node(member) : null;
        if (to == null || to.state().deadOrLeft()) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException("no live member named '" + member + "'"));
        }
        return memberlist.sendReliableAsync(to, payload.clone());
    }

    /** How many broadcasts wait to be sent. */
    public int queued() {
        return this.queue.numQueued();
    }

    /**
     * The broadcasts to piggyback on a gossip packet; the starter's node delegate calls it on the
     * node's protocol strand.
     *
     * @param overhead bytes of framing per message
     * @param limit bytes available
     * @return the messages that fit
     */
    public List<byte[]> getBroadcasts(int overhead, int limit) {
        return this.queue.getBroadcasts(overhead, limit);
    }

    private byte[] checked(byte[] payload) {
        if (payload.length > this.maxPayload) {
            throw new IllegalArgumentException("a broadcast must fit one gossip packet: at most " + this.maxPayload
                    + " bytes (memberlist.udp-buffer-size less framing), got " + payload.length);
        }
        return payload.clone();
    }

    /** Replaces its namesake in the queue. */
    private record Named(String name, byte[] message) implements NamedBroadcast {

        @Override
        public boolean invalidates(Broadcast other) {
            return other instanceof NamedBroadcast named && this.name.equals(named.name());
        }

        @Override
        public void finished() {}
    }

    /** Replaces nothing: the queue skips the search for what it would invalidate. */
    private record Unique(byte[] message) implements UniqueBroadcast {

        @Override
        public boolean invalidates(Broadcast other) {
            return false;
        }

        @Override
        public void finished() {}
    }
}
