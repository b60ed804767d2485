package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.spring.boot.MemberlistNode;
import org.springframework.boot.autoconfigure.condition.AllNestedConditions;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.annotation.Conditional;

/**
 * Matches when the application defines several {@link MemberlistNode} beans, none of them
 * primary (a LAN and a WAN pool, say): health, the endpoint and metrics then show each by bean
 * name.
 */
public final class OnSeveralMemberlistNodesCondition extends AllNestedConditions {

    OnSeveralMemberlistNodesCondition() {
        super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnBean(MemberlistNode.class)
    static class SomeNode {}

    @Conditional(NotOneNode.class)
    static class NotOneNode extends NoneNestedConditions {

        NotOneNode() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnSingleCandidate(MemberlistNode.class)
        static class OneNode {}
    }
}
