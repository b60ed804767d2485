package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.delegate.AliveDelegate;
import dev.memberlist.engine.delegate.CompositeDelegate;
import dev.memberlist.engine.delegate.ConflictDelegate;
import dev.memberlist.engine.delegate.EventDelegate;
import dev.memberlist.engine.delegate.MergeDelegate;
import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.engine.delegate.PingDelegate;
import dev.memberlist.engine.security.Keyring;
import dev.memberlist.spring.boot.MemberlistBroadcaster;
import dev.memberlist.spring.boot.MemberlistStartupException;
import dev.memberlist.spring.boot.MemberlistTags;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Builds engine nodes from the {@link Config} bean, the delegate beans and the customizers.
 *
 * <p>A node is prepared (configured, not bound) when the {@link Memberlist} bean is first
 * needed, but its delegates are looked up only once every singleton exists: the node is given
 * forwarders that reach the composed delegates later. So a delegate bean may inject {@link
 * Memberlist}, {@link MemberlistTags} or {@link MemberlistBroadcaster} without a cycle.
 */
final class MemberlistFactory implements Supplier<Memberlist>, SmartInitializingSingleton {

    private static final Log logger = LogFactory.getLog(MemberlistFactory.class);

    private final Config config;

    private final MemberlistTags tags;

    private final MemberlistBroadcaster broadcaster;

    private final MemberlistEventPublisher eventPublisher;

    private final ListableBeanFactory beanFactory;

    private final ObjectProvider<MemberlistConfigCustomizer> customizers;

    private volatile @Nullable CompositeDelegate delegates;

    /** Delegates the Config bean brought, composed with the beans' when they are looked up. */
    private final Config fromConfig;

    MemberlistFactory(
            Config config,
            MemberlistTags tags,
            MemberlistBroadcaster broadcaster,
            MemberlistEventPublisher eventPublisher,
            ListableBeanFactory beanFactory,
            ObjectProvider<MemberlistConfigCustomizer> customizers) {
        // the Config bean may be the application's: change a copy
        this.config = config.copy();
        this.fromConfig = config.copy();
        this.tags = tags;
        this.broadcaster = broadcaster;
        this.eventPublisher = eventPublisher;
        this.beanFactory = beanFactory;
        this.customizers = customizers;
        if (this.config.getKeyring() == null && this.config.getSecretKey() != null) {
            // a keyring of our own, so that keys rotated at runtime outlive a restart of the node
            this.config.setKeyring(Keyring.create(List.of(), this.config.getSecretKey()));
            this.config.setSecretKey(null);
        }
    }

    /** A new node, prepared and not started. */
    @Override
    public Memberlist get() {
        Config c = this.config.copy();
        Forwarder forwarder = new Forwarder();
        c.setDelegate(forwarder);
        c.setEvents(forwarder);
        // the engine skips a callback it has no delegate for: install forwarders only where a bean will answer
        c.setConflict(has(ConflictDelegate.class, c.getConflict()) ? forwarder : null);
        c.setMerge(has(MergeDelegate.class, c.getMerge()) ? forwarder : null);
        c.setAlive(has(AliveDelegate.class, c.getAlive()) ? forwarder : null);
        c.setPing(has(PingDelegate.class, c.getPing()) ? forwarder : null);
        this.customizers.orderedStream().forEach((customizer) -> customizer.customize(c));
        Memberlist memberlist;
        try {
            memberlist = Memberlist.prepare(c);
        } catch (IllegalArgumentException ex) {
            throw new MemberlistStartupException(
                    "Invalid memberlist configuration: " + ex.getMessage(),
                    PropertiesConfigFactory.propertyFor(ex),
                    ex);
        }
        this.eventPublisher.bind(memberlist);
        return memberlist;
    }

    /** The retransmit multiplier and packet size the broadcaster needs. */
    Config config() {
        return this.config;
    }

    private boolean has(Class<?> type, @Nullable Object fromConfig) {
        return fromConfig != null || this.beanFactory.getBeanNamesForType(type, true, false).length > 0;
    }

    @Override
    public void afterSingletonsInstantiated() {
        delegates();
    }

    /** The composed delegates, looked up once: after every singleton exists, or when first called. */
    CompositeDelegate delegates() {
        CompositeDelegate composite = this.delegates;
        if (composite == null) {
            synchronized (this) {
                composite = this.delegates;
                if (composite == null) {
                    composite = compose();
                    this.delegates = composite;
                }
            }
        }
        return composite;
    }

    private CompositeDelegate compose() {
        CompositeDelegate.Builder builder = CompositeDelegate.builder();
        NodeDelegate userNode = singleNodeDelegate(
                this.beanFactory
                        .getBeanProvider(NodeDelegate.class)
                        .orderedStream()
                        .toList(),
                this.fromConfig.getDelegate());
        builder.node(new MemberlistNodeDelegate(this.tags, this.broadcaster, userNode, this.eventPublisher));
        // Spring events first: a failing delegate must not cost the listeners their event
        builder.event(this.eventPublisher.eventDelegate());
        if (this.fromConfig.getEvents() != null) {
            builder.event(isolated(this.fromConfig.getEvents()));
        }
        beans(EventDelegate.class).forEach((d) -> builder.event(isolated(d)));
        if (this.fromConfig.getConflict() != null) {
            builder.conflict(this.fromConfig.getConflict());
        }
        beans(ConflictDelegate.class).forEach(builder::conflict);
        // merge and alive delegates veto by throwing: they are not isolated
        if (this.fromConfig.getMerge() != null) {
            builder.merge(this.fromConfig.getMerge());
        }
        beans(MergeDelegate.class).forEach(builder::merge);
        if (this.fromConfig.getAlive() != null) {
            builder.alive(this.fromConfig.getAlive());
        }
        beans(AliveDelegate.class).forEach(builder::alive);
        if (this.fromConfig.getPing() != null) {
            builder.ping(this.fromConfig.getPing());
        }
        beans(PingDelegate.class).forEach(builder::ping);
        return builder.build();
    }

    private <T> List<T> beans(Class<T> type) {
        return this.beanFactory.getBeanProvider(type).orderedStream().toList();
    }

    private static @Nullable NodeDelegate singleNodeDelegate(
            List<NodeDelegate> beans, @Nullable NodeDelegate fromConfig) {
        if (beans.size() > 1) {
            throw new IllegalStateException("memberlist: at most one NodeDelegate bean may be defined, "
                    + "since metadata and user state have one owner; found " + beans.size());
        }
        return beans.isEmpty() ? fromConfig : beans.get(0);
    }

    /** Keeps one failing listener from robbing the others of the event. */
    private static EventDelegate isolated(EventDelegate delegate) {
        return new EventDelegate() {
            @Override
            public void notifyJoin(Node node) {
                run(() -> delegate.notifyJoin(node));
            }

            @Override
            public void notifyLeave(Node node) {
                run(() -> delegate.notifyLeave(node));
            }

            @Override
            public void notifyUpdate(Node node) {
                run(() -> delegate.notifyUpdate(node));
            }

            private void run(Runnable call) {
                try {
                    call.run();
                } catch (RuntimeException ex) {
                    logger.warn(
                            "memberlist: EventDelegate " + delegate.getClass().getName() + " failed", ex);
                }
            }
        };
    }

    /** What the node is given in place of the delegates, which it reaches on each call. */
    private final class Forwarder
            implements NodeDelegate, EventDelegate, ConflictDelegate, MergeDelegate, AliveDelegate, PingDelegate {

        @Override
        public byte[] nodeMeta(int limit) {
            return delegates().nodeMeta(limit);
        }

        @Override
        public void notifyMsg(byte[] msg) {
            delegates().notifyMsg(msg);
        }

        @Override
        public List<byte[]> getBroadcasts(int overhead, int limit) {
            return delegates().getBroadcasts(overhead, limit);
        }

        @Override
        public byte @Nullable [] localState(boolean join) {
            return delegates().localState(join);
        }

        @Override
        public void mergeRemoteState(byte[] buf, boolean join) {
            delegates().mergeRemoteState(buf, join);
        }

        @Override
        public void notifyJoin(Node node) {
            delegates().notifyJoin(node);
        }

        @Override
        public void notifyLeave(Node node) {
            delegates().notifyLeave(node);
        }

        @Override
        public void notifyUpdate(Node node) {
            delegates().notifyUpdate(node);
        }

        @Override
        public void notifyConflict(Node existing, Node other) {
            delegates().notifyConflict(existing, other);
        }

        @Override
        public void notifyMerge(List<Node> peers) {
            delegates().notifyMerge(peers);
        }

        @Override
        public void notifyAlive(Node peer) {
            delegates().notifyAlive(peer);
        }

        @Override
        public byte @Nullable [] ackPayload() {
            return delegates().ackPayload();
        }

        @Override
        public void notifyPingComplete(Node other, Duration rtt, byte[] payload) {
            delegates().notifyPingComplete(other, rtt, payload);
        }
    }
}
