package dev.memberlist.engine;

/** A memberlist operation failed: a join that reached nobody, a timed-out leave, a bad reply. */
public class MemberlistException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MemberlistException(String message) {
        super(message);
    }

    public MemberlistException(String message, Throwable cause) {
        super(message, cause);
    }
}
