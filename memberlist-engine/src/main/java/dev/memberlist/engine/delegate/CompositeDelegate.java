package dev.memberlist.engine.delegate;

import dev.memberlist.engine.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles several delegates into one object that implements them all, so a node can be
 * given many listeners: every {@link EventDelegate}, {@link ConflictDelegate} and
 * {@link PingDelegate} hears every callback, in the order added, and one that throws does not
 * keep the others from hearing it; every {@link AliveDelegate} and {@link MergeDelegate} must
 * accept. There is at most one {@link NodeDelegate}, since
 * metadata and user state have one owner.
 */
public final class CompositeDelegate
        implements NodeDelegate, EventDelegate, ConflictDelegate, MergeDelegate, AliveDelegate, PingDelegate {
    private static final Logger log = LoggerFactory.getLogger(CompositeDelegate.class);

    private final NodeDelegate node;
    private final List<EventDelegate> events;
    private final List<ConflictDelegate> conflicts;
    private final List<MergeDelegate> merges;
    private final List<AliveDelegate> alives;
    private final List<PingDelegate> pings;

    private CompositeDelegate(Builder b) {
        this.node = b.node;
        this.events = List.copyOf(b.events);
        this.conflicts = List.copyOf(b.conflicts);
        this.merges = List.copyOf(b.merges);
        this.alives = List.copyOf(b.alives);
        this.pings = List.copyOf(b.pings);
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The node delegate, or null. */
    public NodeDelegate nodeDelegate() {
        return node;
    }

    /** True when at least one event delegate was added. */
    public boolean hasEvents() {
        return !events.isEmpty();
    }

    /** True when at least one conflict delegate was added. */
    public boolean hasConflicts() {
        return !conflicts.isEmpty();
    }

    /** True when at least one merge delegate was added. */
    public boolean hasMerges() {
        return !merges.isEmpty();
    }

    /** True when at least one alive delegate was added. */
    public boolean hasAlives() {
        return !alives.isEmpty();
    }

    /** True when at least one ping delegate was added. */
    public boolean hasPings() {
        return !pings.isEmpty();
    }

    @Override
    public byte[] nodeMeta(int limit) {
        return node == null ? new byte[0] : node.nodeMeta(limit);
    }

    @Override
    public void notifyMsg(byte[] msg) {
        if (node != null) {
            node.notifyMsg(msg);
        }
    }

    @Override
    public List<byte[]> getBroadcasts(int overhead, int limit) {
        return node == null ? List.of() : node.getBroadcasts(overhead, limit);
    }

    @Override
    public byte[] localState(boolean join) {
        return node == null ? null : node.localState(join);
    }

    @Override
    public void mergeRemoteState(byte[] buf, boolean join) {
        if (node != null) {
            node.mergeRemoteState(buf, join);
        }
    }

    @Override
    public void notifyJoin(Node n) {
        each(events, e -> e.notifyJoin(n));
    }

    @Override
    public void notifyLeave(Node n) {
        each(events, e -> e.notifyLeave(n));
    }

    @Override
    public void notifyUpdate(Node n) {
        each(events, e -> e.notifyUpdate(n));
    }

    @Override
    public void notifyConflict(Node existing, Node other) {
        each(conflicts, c -> c.notifyConflict(existing, other));
    }

    @Override
    public void notifyMerge(List<Node> peers) {
        for (MergeDelegate m : merges) {
            m.notifyMerge(peers);
        }
    }

    @Override
    public void notifyAlive(Node peer) {
        for (AliveDelegate a : alives) {
            a.notifyAlive(peer);
        }
    }

    /** The first ping delegate's payload. */
    @Override
    public byte[] ackPayload() {
        return pings.isEmpty() ? null : pings.get(0).ackPayload();
    }

    @Override
    public void notifyPingComplete(Node other, Duration rtt, byte[] payload) {
        each(pings, p -> p.notifyPingComplete(other, rtt, payload));
    }

    private static <T> void each(List<T> delegates, Consumer<T> call) {
        for (T d : delegates) {
            try {
                call.accept(d);
            } catch (RuntimeException e) {
                log.warn("memberlist: delegate {} failed", d.getClass().getName(), e);
            }
        }
    }

    /** Collects delegates; an object implementing several interfaces is registered for each. */
    public static final class Builder {
        private NodeDelegate node;
        private final List<EventDelegate> events = new ArrayList<>();
        private final List<ConflictDelegate> conflicts = new ArrayList<>();
        private final List<MergeDelegate> merges = new ArrayList<>();
        private final List<AliveDelegate> alives = new ArrayList<>();
        private final List<PingDelegate> pings = new ArrayList<>();

        private Builder() {}

        /**
         * Adds an object under every delegate interface it implements.
         *
         * @throws IllegalArgumentException if it is a second {@link NodeDelegate}
         */
        public Builder add(Object delegate) {
            boolean any = false;
            if (delegate instanceof NodeDelegate n) {
                node(n);
                any = true;
            }
            if (delegate instanceof EventDelegate e) {
                events.add(e);
                any = true;
            }
            if (delegate instanceof ConflictDelegate c) {
                conflicts.add(c);
                any = true;
            }
            if (delegate instanceof MergeDelegate m) {
                merges.add(m);
                any = true;
            }
            if (delegate instanceof AliveDelegate a) {
                alives.add(a);
                any = true;
            }
            if (delegate instanceof PingDelegate p) {
                pings.add(p);
                any = true;
            }
            if (!any) {
                throw new IllegalArgumentException(delegate.getClass().getName() + " implements no delegate interface");
            }
            return this;
        }

        /** Sets the node delegate; there can be only one. */
        public Builder node(NodeDelegate delegate) {
            if (node != null && node != delegate) {
                throw new IllegalArgumentException("at most one NodeDelegate may be set, got "
                        + node.getClass().getName() + " and "
                        + delegate.getClass().getName());
            }
            node = delegate;
            return this;
        }

        /** Adds an event delegate. */
        public Builder event(EventDelegate d) {
            events.add(d);
            return this;
        }

        /** Adds a conflict delegate. */
        public Builder conflict(ConflictDelegate d) {
            conflicts.add(d);
            return this;
        }

        /** Adds a merge delegate. */
        public Builder merge(MergeDelegate d) {
            merges.add(d);
            return this;
        }

        /** Adds an alive delegate. */
        public Builder alive(AliveDelegate d) {
            alives.add(d);
            return this;
        }

        /** Adds a ping delegate. */
        public Builder ping(PingDelegate d) {
            pings.add(d);
            return this;
        }

        /** The composite. */
        public CompositeDelegate build() {
            return new CompositeDelegate(this);
        }
    }
}
