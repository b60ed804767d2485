package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.spring.boot.MemberlistStartupException;
import java.net.BindException;
import java.net.UnknownHostException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link MemberlistStartupException} into a start-up report that says which property
 * to change: the one the exception names, or else the one its cause points at.
 */
class MemberlistStartupFailureAnalyzer extends AbstractFailureAnalyzer<MemberlistStartupException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MemberlistStartupException cause) {
        String property = (cause.getProperty() != null) ? cause.getProperty() : propertyOf(cause.getCause());
        if ("memberlist.join-fail-fast".equals(property)) {
            return new FailureAnalysis(
                    cause.getMessage(),
                    "Make a seed in 'memberlist.seeds' reachable, raise 'memberlist.join-timeout', or set "
                            + "'memberlist.join-fail-fast' to false to start alone and go on joining in the background.",
                    cause);
        }
        String action = (property != null)
                ? "Update the '" + property + "' property, or the MemberlistConfigCustomizer bean that sets it."
                : "Check the memberlist.* properties and any MemberlistConfigCustomizer beans.";
        return new FailureAnalysis(cause.getMessage(), action, cause);
    }

    /** The property behind an engine failure: a setting it rejected, or the address it could not bind. */
    static @Nullable String propertyOf(@Nullable Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException iae) {
                String property = PropertiesConfigFactory.propertyFor(iae);
                if (property != null) {
                    return property;
                }
            }
            if (t instanceof UnknownHostException) {
                return "memberlist.bind-address";
            }
            if (t instanceof BindException) {
                String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                // EADDRNOTAVAIL: no interface has that address; EADDRINUSE: the port is taken
                return message.contains("assign") || message.contains("not available")
                        ? "memberlist.bind-address"
                        : "memberlist.bind-port";
            }
        }
        return null;
    }
}
