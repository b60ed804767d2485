package dev.memberlist.engine.interop;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.broadcast.Broadcast;
import dev.memberlist.engine.broadcast.TransmitLimitedQueue;
import dev.memberlist.engine.delegate.EventDelegate;
import dev.memberlist.engine.delegate.NodeDelegate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Java node on real UDP/TCP with the reference peer's delegates (peer-protocol.md): user
 * payloads marked {@code U} or {@code B}, broadcasts flooded once, events recorded.
 */
public final class TestNode implements NodeDelegate, EventDelegate, AutoCloseable {
    /** A recorded event delegate callback. */
    public record Event(String kind, Node node) {}

    public final Memberlist m;
    private volatile Memberlist started;
    private volatile byte[] meta = new byte[0];
    private final TransmitLimitedQueue queue;
    private final Set<String> seen = new HashSet<>();
    private final List<String> messages = Collections.synchronizedList(new ArrayList<>());
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());

    private TestNode(Config config) {
        queue = new TransmitLimitedQueue(() -> started == null ? 1 : started.numMembers(), config.getRetransmitMult());
        config.setDelegate(this).setEvents(this);
        try {
            m = Memberlist.create(config);
            started = m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A node on 127.0.0.1 with a free port and the given base config. */
    public static TestNode start(String name, Config base) {
        return new TestNode(base.setName(name)
                .setBindAddr("127.0.0.1")
                .setAdvertiseAddr("127.0.0.1")
                .setBindPort(0));
    }

    /** {@code 127.0.0.1:port} of this node. */
    public String hostPort() {
        return "127.0.0.1:" + m.advertiseAddress().getPort();
    }

    /** Sets the metadata and gossips it. */
    public void setMeta(String text) {
        meta = text.getBytes(StandardCharsets.UTF_8);
        m.updateNode(Duration.ofSeconds(5));
    }

    /** Floods a broadcast, as the peers do. */
    public void broadcast(String text) {
        remember(text);
    }

    private synchronized boolean remember(String text) {
        if (!seen.add(text)) {
            return false;
        }
        byte[] b = ("B" + text).getBytes(StandardCharsets.UTF_8);
        queue.queueBroadcast(new Broadcast() {
            @Override
            public boolean invalidates(Broadcast other) {
                return false;
            }

            @Override
            public byte[] message() {
                return b;
            }

            @Override
            public void finished() {}
        });
        return true;
    }

    /** Texts received as user messages or broadcasts, markers stripped. */
    public List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** Every event so far. */
    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The member of that name as this node sees it, or null. */
    public Node member(String name) {
        return m.node(name);
    }

    @Override
    public byte[] nodeMeta(int limit) {
        return meta;
    }

    @Override
    public void notifyMsg(byte[] msg) {
        if (msg.length == 0) {
            return;
        }
        String text = new String(msg, 1, msg.length - 1, StandardCharsets.UTF_8);
        if (msg[0] == 'B' && !remember(text)) {
            return;
        }
        messages.add(text);
    }

    @Override
    public List<byte[]> getBroadcasts(int overhead, int limit) {
        return queue.getBroadcasts(overhead, limit);
    }

    @Override
    public void notifyJoin(Node node) {
        events.add(new Event("join", node));
    }

    @Override
    public void notifyLeave(Node node) {
        events.add(new Event("leave", node));
    }

    @Override
    public void notifyUpdate(Node node) {
        events.add(new Event("update", node));
    }

    @Override
    public void close() {
        m.shutdown();
    }
}
