package dev.memberlist.engine;

/** A {@link Config} setting is out of range; {@link #field()} names it, the message says what is allowed. */
public final class ConfigValidationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public ConfigValidationException(String field, String message) {
        super(message);
        this.field = field;
    }

    public ConfigValidationException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The name of the {@link Config} property at fault, e.g. {@code bindPort}. */
    public String field() {
        return field;
    }
}
