package dev.memberlist.spring.boot.event;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;

/** A member left the cluster gracefully (its state is {@link dev.memberlist.engine.NodeState#LEFT}). */
public class MemberLeftEvent extends MemberEvent {

    private static final long serialVersionUID = 1L;

    /**
     * @param memberlist the local node that saw the change
     * @param node the member
     */
    public MemberLeftEvent(Memberlist memberlist, Node node) {
        super(memberlist, node);
    }
}
