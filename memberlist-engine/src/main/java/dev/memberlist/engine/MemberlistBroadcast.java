package dev.memberlist.engine;

import dev.memberlist.engine.broadcast.Broadcast;
import dev.memberlist.engine.broadcast.NamedBroadcast;

/**
 * One of memberlist's own gossip messages (Go's {@code memberlistBroadcast}). Named by the
 * node it is about, so a newer message about a node replaces the queued one.
 */
final class MemberlistBroadcast implements NamedBroadcast {
    private final String node;
    private final byte[] msg;
    private Runnable notify;

    MemberlistBroadcast(String node, byte[] msg, Runnable notify) {
        this.node = node;
        this.msg = msg;
        this.notify = notify;
    }

    @Override
    public boolean invalidates(Broadcast other) {
        return other instanceof MemberlistBroadcast mb && node.equals(mb.node);
    }

    @Override
    public String name() {
        return node;
    }

    @Override
    public byte[] message() {
        return msg;
    }

    @Override
    public synchronized void finished() {
        Runnable n = notify;
        notify = null;
        if (n != null) {
            n.run();
        }
    }
}
