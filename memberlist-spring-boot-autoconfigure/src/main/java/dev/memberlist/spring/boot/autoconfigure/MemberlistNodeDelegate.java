package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.spring.boot.MemberlistBroadcaster;
import dev.memberlist.spring.boot.MemberlistTags;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The starter's node delegate: carries the {@link MemberlistTags} as metadata, gossips the
 * {@link MemberlistBroadcaster}'s broadcasts, publishes user messages as events, and hands
 * everything to the application's own {@link NodeDelegate} when there is one. The
 * application's delegate wins for metadata when it returns any; the tags are used otherwise.
 * Its broadcasts share a packet's room after the broadcaster's; its state is its own.
 */
final class MemberlistNodeDelegate implements NodeDelegate {

    private final MemberlistTags tags;

    private final MemberlistBroadcaster broadcaster;

    private final @Nullable NodeDelegate user;

    private final MemberlistEventPublisher events;

    MemberlistNodeDelegate(
            MemberlistTags tags,
            MemberlistBroadcaster broadcaster,
            @Nullable NodeDelegate user,
            MemberlistEventPublisher events) {
        this.tags = tags;
        this.broadcaster = broadcaster;
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
        return this.tags.toMetadata();
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
        List<byte[]> ours = this.broadcaster.getBroadcasts(overhead, limit);
        if (this.user == null) {
            return ours;
        }
        int used = 0;
        for (byte[] msg : ours) {
            used += msg.length + overhead;
        }
        if (limit - used <= overhead) {
            return ours;
        }
        List<byte[]> theirs = this.user.getBroadcasts(overhead, limit - used);
        if (theirs == null || theirs.isEmpty()) {
            return ours;
        }
        List<byte[]> all = new ArrayList<>(ours);
        all.addAll(theirs);
        return all;
    }

    @Override
    public byte @Nullable [] localState(boolean join) {
        return (this.user != null) ? this.user.localState(join) : null;
    }

    @Override
    public void mergeRemoteState(byte[] buf, boolean join) {
        if (this.user != null) {
            this.user.mergeRemoteState(buf, join);
        }
    }
}
