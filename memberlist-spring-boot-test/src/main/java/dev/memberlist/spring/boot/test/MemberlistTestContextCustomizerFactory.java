package dev.memberlist.spring.boot.test;

import dev.memberlist.spring.boot.test.AutoConfigureMemberlist.Network;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives every Spring test context the memberlist test defaults of its {@link
 * AutoConfigureMemberlist} ({@link Network#LOOPBACK} when the test class has none). Registered
 * in {@code META-INF/spring.factories}, so a test needs nothing but this module on its classpath.
 */
final class MemberlistTestContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public @Nullable ContextCustomizer createContextCustomizer(
            Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        // the search follows @Nested classes out to their enclosing test class, as Spring's own
        AutoConfigureMemberlist annotation =
                TestContextAnnotationUtils.findMergedAnnotation(testClass, AutoConfigureMemberlist.class);
        Network network = (annotation != null) ? annotation.network() : Network.LOOPBACK;
        return (network != Network.CONFIGURED) ? new MemberlistTestContextCustomizer(network) : null;
    }
}
