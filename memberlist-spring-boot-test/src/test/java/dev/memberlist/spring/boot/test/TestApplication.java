package dev.memberlist.spring.boot.test;

import dev.memberlist.spring.boot.event.MemberJoinedEvent;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/** A user's application as far as memberlist is concerned: the starter's auto-configuration and its configuration files. */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestApplication {

    @Bean
    JoinedMembers joinedMembers() {
        return new JoinedMembers();
    }

    /** The members this application heard join, as a user's listener would. */
    static class JoinedMembers {

        final Set<String> names = ConcurrentHashMap.newKeySet();

        @EventListener
        void on(MemberJoinedEvent event) {
            this.names.add(event.getNode().name());
        }
    }
}
