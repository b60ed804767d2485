package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.Memberlist;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for a memberlist node: a {@link Memberlist}
 * configured from {@code memberlist.*} properties, composed with every delegate bean in the
 * context, started and stopped with the context, publishing membership changes as application
 * events.
 *
 * <p>Each bean backs off when the application defines its own: an engine {@code Config} bean
 * replaces the properties, a {@link Memberlist} bean replaces the node (it is still started,
 * joined and stopped, but gets no delegates), a {@link MemberlistLifecycle} bean replaces the
 * start-up and shutdown behaviour.
 */
@AutoConfiguration
@ConditionalOnClass(Memberlist.class)
@ConditionalOnBooleanProperty(name = "memberlist.enabled", matchIfMissing = true)
@EnableConfigurationProperties(MemberlistProperties.class)
@Import({
    MemberlistConfigurations.ConfigConfiguration.class,
    MemberlistConfigurations.NodeConfiguration.class,
    MemberlistConfigurations.LifecycleConfiguration.class
})
public final class MemberlistAutoConfiguration {}
