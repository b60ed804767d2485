package dev.memberlist.spring.boot.event;

import dev.memberlist.engine.Memberlist;
import java.nio.charset.StandardCharsets;
import org.springframework.context.ApplicationEvent;

/**
 * A user message arrived: sent to this node with {@link Memberlist#sendReliable} or {@link
 * Memberlist#sendBestEffort}, or gossiped as a user broadcast. The protocol does not say who
 * sent it; put that in the payload if listeners need it.
 */
public class MemberMessageEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final byte[] payload;

    /**
     * @param memberlist the local node that received the message
     * @param payload the message
     */
    public MemberMessageEvent(Memberlist memberlist, byte[] payload) {
        super(memberlist);
        this.payload = payload.clone();
    }

    /** The local node that received the message. */
    public Memberlist getMemberlist() {
        return (Memberlist) getSource();
    }

    /** The message (a copy). */
    public byte[] getPayload() {
        return this.payload.clone();
    }

    /** The message decoded as UTF-8. */
    public String getPayloadAsString() {
        return new String(this.payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "MemberMessageEvent[" + this.payload.length + " bytes]";
    }
}
