package dev.memberlist.bench.peer;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.broadcast.Broadcast;
import dev.memberlist.engine.broadcast.TransmitLimitedQueue;
import dev.memberlist.engine.delegate.EventDelegate;
import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.engine.transport.net.NetTransport;
import dev.memberlist.test.fault.DelayedInboundTransport;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One memberlist node of the peer, with the reference Go peer's delegates: metadata from a
 * string, user payloads marked {@code U} (send) or {@code B} (broadcast), broadcasts flooded
 * once through the node's own queue, and events printed as JSON lines.
 */
final class PeerNode implements NodeDelegate, EventDelegate {
    final String name;
    final PeerMain out;
    volatile byte[] meta;
    volatile Memberlist m;
    NetTransport net;
    DelayedInboundTransport slow;
    volatile boolean dead;
    /** How long notifyMsg blocks on every message: the {@code stall} command. */
    volatile long stallMillis;

    TransmitLimitedQueue queue;
    private final Set<String> seen = new HashSet<>();

    PeerNode(String name, String meta, PeerMain out) {
        this.name = name;
        this.meta = meta.getBytes(StandardCharsets.UTF_8);
        this.out = out;
    }

    @Override
    public byte[] nodeMeta(int limit) {
        byte[] b = meta;
        return b.length > limit ? java.util.Arrays.copyOf(b, limit) : b;
    }

    @Override
    public void notifyMsg(byte[] msg) {
        long stall = stallMillis;
        if (stall > 0) {
            try {
                Thread.sleep(stall); // an application doing slow work on each message
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (msg.length == 0) {
            return;
        }
        String text = new String(msg, 1, msg.length - 1, StandardCharsets.UTF_8);
        if (msg[0] == 'B' && !remember(text)) {
            return;
        }
        out.emit(map("ev", "msg", "self", name, "data", text));
    }

    /** Queues a broadcast the first time it is seen; says whether it was new. */
    synchronized boolean remember(String text) {
        if (!seen.add(text)) {
            return false;
        }
        queue.queueBroadcast(new UserBroadcast(("B" + text).getBytes(StandardCharsets.UTF_8)));
        return true;
    }

    @Override
    public List<byte[]> getBroadcasts(int overhead, int limit) {
        return queue.getBroadcasts(overhead, limit);
    }

    @Override
    public void notifyJoin(Node node) {
        out.emit(nodeEvent("join", node));
    }

    @Override
    public void notifyLeave(Node node) {
        out.emit(nodeEvent("leave", node));
    }

    @Override
    public void notifyUpdate(Node node) {
        out.emit(nodeEvent("update", node));
    }

    private Map<String, Object> nodeEvent(String kind, Node node) {
        return map(
                "ev", kind,
                "self", name,
                "node", node.name(),
                "addr", node.address(),
                "meta", node.metaString(),
                "state", PeerMain.stateName(node.state()));
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** A user broadcast: never invalidates another. */
    private record UserBroadcast(byte[] message) implements Broadcast {
        @Override
        public boolean invalidates(Broadcast other) {
            return false;
        }

        @Override
        public void finished() {}
    }
}
