package dev.memberlist.engine.wire;

/** Input that would decode to more than the limit it was given: refused, not malformed. */
public final class LimitExceededException extends DecodeException {
    private static final long serialVersionUID = 1L;

    public LimitExceededException(String message) {
        super(message);
    }
}
