package dev.memberlist.engine;

import dev.memberlist.engine.broadcast.Broadcast;
import dev.memberlist.engine.broadcast.NamedBroadcast;

/**
 * One of memberlist's own gossip messages (Go's {@code memberlistBroadcast}). Named by the
 * node it is about, so a newer message about a node replaces the queued one.
 *
 * <p>One without anything to notify may sit in many queues at once: every node in a JVM that
 * learns of the same alive message queues the same broadcast ({@link NodeRecord#aliveBroadcast}).
 */
final class MemberlistBroadcast implements NamedBroadcast {
    private final String node;
    private final byte[] msg;
    private volatile Runnable notify;

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
    public void finished() {
        if (notify == null) {
            return; // nothing to notify, or done: no lock for a broadcast that many queues share
        }
        Runnable n;
        synchronized (this) {
            n = notify;
            notify = null;
        }
        if (n != null) {
            n.run();
        }
    }
}
