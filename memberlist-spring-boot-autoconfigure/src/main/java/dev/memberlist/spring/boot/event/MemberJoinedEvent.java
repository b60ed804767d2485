package dev.memberlist.spring.boot.event;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;

/** A member joined the cluster: it is new, or came back after it failed or left. Also published for the local node when it starts. */
public class MemberJoinedEvent extends MemberEvent {

    private static final long serialVersionUID = 1L;

    /**
     * @param memberlist the local node that saw the change
     * @param node the member
     */
    public MemberJoinedEvent(Memberlist memberlist, Node node) {
        super(memberlist, node);
    }
}
