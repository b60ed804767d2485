package dev.memberlist.spring.boot;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the memberlist node cannot be created or started: its configuration is invalid,
 * it cannot bind, or no seed answered when joining must succeed. Start-up fails with a report
 * that names the property to change.
 */
public class MemberlistStartupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final @Nullable String property;

    /**
     * @param message what went wrong
     * @param property the {@code memberlist.*} property to look at, or null when none applies
     * @param cause the engine's exception
     */
    public MemberlistStartupException(String message, @Nullable String property, @Nullable Throwable cause) {
        super(message, cause);
        this.property = property;
    }

    /** The {@code memberlist.*} property to look at, or null. */
    public @Nullable String getProperty() {
        return this.property;
    }
}
