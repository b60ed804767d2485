package dev.memberlist.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link MemberlistStartupException} into a start-up report that says which property
 * to change.
 */
class MemberlistStartupFailureAnalyzer extends AbstractFailureAnalyzer<MemberlistStartupException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MemberlistStartupException cause) {
        String action = (cause.getProperty() != null)
                ? "Update the '" + cause.getProperty()
                        + "' property, or the MemberlistConfigCustomizer bean that sets it."
                : "Check the memberlist.* properties and any MemberlistConfigCustomizer beans.";
        return new FailureAnalysis(cause.getMessage(), action, cause);
    }
}
