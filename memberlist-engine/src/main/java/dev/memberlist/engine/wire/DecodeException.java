package dev.memberlist.engine.wire;

/** Input that is not a valid memberlist message: truncated, malformed, over a limit, or undecryptable. */
public class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    public DecodeException(String message) {
        super(message);
    }

    public DecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
