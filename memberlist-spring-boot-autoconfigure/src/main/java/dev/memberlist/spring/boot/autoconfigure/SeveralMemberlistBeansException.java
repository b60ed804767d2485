package dev.memberlist.spring.boot.autoconfigure;

import java.util.List;

/**
 * The application defines several engine {@code Memberlist} beans and no {@code MemberlistNode}
 * to run them: which seeds each joins, and how each restarts, is the application's to say.
 */
class SeveralMemberlistBeansException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> beanNames;

    SeveralMemberlistBeansException(List<String> beanNames) {
        super("memberlist: " + beanNames.size() + " Memberlist beans " + beanNames
                + " and no MemberlistNode bean to start, join and stop them");
        this.beanNames = List.copyOf(beanNames);
    }

    List<String> getBeanNames() {
        return this.beanNames;
    }
}
