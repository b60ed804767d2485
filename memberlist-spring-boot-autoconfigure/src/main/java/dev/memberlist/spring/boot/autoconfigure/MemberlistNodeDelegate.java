package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.delegate.NodeDelegate;
import java.util.List;

/**
 * The starter's node delegate: carries the tags as metadata, publishes user messages as
 * events, and hands everything to the application's own {@link NodeDelegate} when there is
 * one. The application's delegate wins for metadata when it returns any; the tags are used
 * otherwise. Its user messages, broadcasts and state are its own.
 */
final class MemberlistNodeDelegate implements NodeDelegate {

    private final byte[] tags;

    private final NodeDelegate user;

    private final MemberlistEventPublisher events;

    MemberlistNodeDelegate(byte[] tags, NodeDelegate user, MemberlistEventPublisher events) {
        this.tags = tags;
        this.user = user;
        this.events = events;
    }

    @Override
    public byte[] nodeMeta(int limit) {
        if (this.user != null) {
            byte[] meta = this.user.nodeMeta(limit);
            if (meta != null && meta.length > 0) {
                return meta;
            }
        }
        return this.tags;
    }

    @Override
    public void notifyMsg(byte[] msg) {
        this.events.notifyMessage(msg);
        if (this.user != null) {
            this.user.notifyMsg(msg);
        }
    }

    @Override
    public List<byte[]> getBroadcasts(int overhead, int limit) {
        return (this.user != null) ? this.user.getBroadcasts(overhead, limit) : List.of();
    }

    @Override
    public byte[] localState(boolean join) {
        return (this.user != null) ? this.user.localState(join) : null;
    }

    @Override
    public void mergeRemoteState(byte[] buf, boolean join) {
        if (this.user != null) {
            this.user.mergeRemoteState(buf, join);
        }
    }
}
