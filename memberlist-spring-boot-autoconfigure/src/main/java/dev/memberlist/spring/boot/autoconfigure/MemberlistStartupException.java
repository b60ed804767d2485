package dev.memberlist.spring.boot.autoconfigure;

/**
 * Thrown when the memberlist node cannot be created or started: its configuration is invalid
 * or it cannot bind. Start-up fails with a report that names the property to change.
 */
public class MemberlistStartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String property;

    /**
     * @param message what went wrong
     * @param property the {@code memberlist.*} property to look at, or null when none applies
     * @param cause the engine's exception
     */
    public MemberlistStartupException(String message, String property, Throwable cause) {
        super(message, cause);
        this.property = property;
    }

    /** The {@code memberlist.*} property to look at, or null. */
    public String getProperty() {
        return this.property;
    }
}
