package dev.memberlist.engine;

/** A ping was sent but no ack came back in time (Go's {@code NoPingResponseError}). */
public final class NoPingResponseException extends MemberlistException {
    private static final long serialVersionUID = 1L;

    private final String node;

    public NoPingResponseException(String node) {
        super("No response from node " + node);
        this.node = node;
    }

    /** The node that did not answer. */
    public String node() {
        return node;
    }
}
