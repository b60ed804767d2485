package dev.memberlist.spring.boot.event;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;

/** A member's metadata (its tags) changed. */
public class MemberUpdatedEvent extends MemberEvent {

    private static final long serialVersionUID = 1L;

    /**
     * @param memberlist the local node that saw the change
     * @param node the member
     */
    public MemberUpdatedEvent(Memberlist memberlist, Node node) {
        super(memberlist, node);
    }
}
