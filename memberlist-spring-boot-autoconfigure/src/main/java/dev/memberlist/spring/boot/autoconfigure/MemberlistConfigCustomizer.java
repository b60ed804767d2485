package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.Config;

/**
 * Adjusts the engine {@link Config} after {@code memberlist.*} properties and delegates were
 * applied and before the node is created. Customizer beans are applied in {@link
 * org.springframework.core.annotation.Order @Order}.
 */
@FunctionalInterface
public interface MemberlistConfigCustomizer {

    /**
     * Customizes the configuration of the node about to be created.
     *
     * @param config the configuration to change in place
     */
    void customize(Config config);
}
