package dev.memberlist.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says how to run several nodes in one context when the application defined several engine nodes. */
class SeveralMemberlistBeansFailureAnalyzer extends AbstractFailureAnalyzer<SeveralMemberlistBeansException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SeveralMemberlistBeansException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Define a MemberlistNode bean for each node instead of its Memberlist bean, for "
                        + "example new MemberlistNode(() -> Memberlist.prepare(wanConfig), seeds, joinTimeout, "
                        + "joinRetryInterval, leaveTimeout): each then starts, joins and stops with the context, "
                        + "and health, the memberlist endpoint and metrics show each by bean name.",
                cause);
    }
}
