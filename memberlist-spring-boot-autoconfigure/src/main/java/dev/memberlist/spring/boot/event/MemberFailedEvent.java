package dev.memberlist.spring.boot.event;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;

/** A member was declared dead after failing its probes and suspicion timeout (its state is {@link dev.memberlist.engine.NodeState#DEAD}). Unlike {@link MemberLeftEvent}, it did not say goodbye. */
public class MemberFailedEvent extends MemberEvent {

    private static final long serialVersionUID = 1L;

    /**
     * @param memberlist the local node that saw the change
     * @param node the member
     */
    public MemberFailedEvent(Memberlist memberlist, Node node) {
        super(memberlist, node);
    }
}
