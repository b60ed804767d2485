package dev.memberlist.spring.boot.event;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.spring.boot.MemberlistTags;
import java.util.Map;
import org.springframework.context.ApplicationEvent;

/**
 * A change in the membership of the cluster, as seen by the local node. Published in the
 * order the node saw the changes, on a dedicated thread, never on the node's protocol thread.
 */
public abstract class MemberEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final transient Node node;

    private final transient Map<String, String> tags;

    private final boolean local;

    /**
     * @param memberlist the local node that saw the change
     * @param node the member, in the state the local node holds
     */
    protected MemberEvent(Memberlist memberlist, Node node) {
        super(memberlist);
        this.node = node;
        this.tags = MemberlistTags.of(node);
        this.local = node.name().equals(memberlist.name());
    }

    /** The local node that saw the change. */
    public Memberlist getMemberlist() {
        return (Memberlist) getSource();
    }

    /** The member, in the state the local node holds for it. */
    public Node getNode() {
        return this.node;
    }

    /** The member's tags, empty when its metadata is not a tags map (see {@link Node#metaString()}). */
    public Map<String, String> getTags() {
        return this.tags;
    }

    /** Whether the member is the local node itself. */
    public boolean isLocal() {
        return this.local;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + this.node + "]";
    }
}
