package dev.memberlist.engine.broadcast;

/** A broadcast that replaces any queued broadcast of the same name, whatever it is (O(1) invalidation). */
public interface NamedBroadcast extends Broadcast {
    /** The name; memberlist's own broadcasts use the node name. */
    String name();
}
