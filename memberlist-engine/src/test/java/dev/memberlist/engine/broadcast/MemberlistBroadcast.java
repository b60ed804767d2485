package dev.memberlist.engine.broadcast;

import java.util.concurrent.atomic.AtomicInteger;

/** Go's {@code memberlistBroadcast} for the queue tests: named by node, counts its finishes. */
class MemberlistBroadcast implements NamedBroadcast {
    final String node;
    final byte[] msg;
    final AtomicInteger finished = new AtomicInteger();

    MemberlistBroadcast(String node, byte[] msg) {
        this.node = node;
        this.msg = msg == null ? new byte[0] : msg;
    }

    MemberlistBroadcast(String node, String msg) {
        this(node, msg.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
        finished.incrementAndGet();
    }

    @Override
    public String toString() {
        return node;
    }
}
