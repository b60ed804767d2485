package dev.memberlist.engine.broadcast;

/** Something to gossip a limited number of times (Go's {@code Broadcast}). */
public interface Broadcast {
    /** True when this broadcast makes {@code other} obsolete, so the queue drops it. */
    boolean invalidates(Broadcast other);

    /** The bytes to send. */
    byte[] message();

    /** Called once, when the broadcast was sent enough times or was invalidated. */
    void finished();
}
