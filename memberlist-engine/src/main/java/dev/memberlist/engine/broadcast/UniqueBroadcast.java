package dev.memberlist.engine.broadcast;

/** A broadcast that never invalidates anything, so queueing it skips the invalidation scan. */
public interface UniqueBroadcast extends Broadcast {}
