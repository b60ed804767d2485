package dev.memberlist.spring.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Chooses the network the memberlist node of a Spring test context runs on. Without this
 * annotation every test context (with {@code memberlist-spring-boot-test} on the test classpath)
 * behaves as {@link Network#LOOPBACK}: a test never binds 7946 and never joins the seeds of the
 * application's own configuration.
 *
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;AutoConfigureMemberlist(network = Network.IN_MEMORY)
 * class ClusterTests { ... }
 * </pre>
 *
 * <p>Settings a test makes itself ({@code @SpringBootTest(properties = ...)}, {@code
 * @TestPropertySource}, {@code @DynamicPropertySource}) always win over the defaults this
 * annotation stands for; the application's configuration files and the environment do not.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureMemberlist {

    /**
     * The network of the test context's node.
     *
     * @return the network, {@link Network#LOOPBACK} by default
     */
    Network network() default Network.LOOPBACK;

    /** Where a test context's node runs. */
    enum Network {

        /**
         * Real UDP and TCP on 127.0.0.1, port 0 (the kernel picks a free one), advertised as
         * 127.0.0.1, no seeds: every context is a cluster of one unless the test sets {@code
         * memberlist.seeds}. Contexts held by the test context cache side by side never clash.
         */
        LOOPBACK,

        /**
         * Every context of the test JVM on one in-memory network ({@link MemberlistTestNetwork}):
         * no socket is bound, each context's node gets a unique name ({@code test-1},
         * {@code test-2}, ...) and, unless the test sets {@code memberlist.seeds}, joins every
         * node already on the network, so three contexts form a cluster in milliseconds.
         */
        IN_MEMORY,

        /** The application's own configuration, untouched: for a test that means to reach a real cluster. */
        CONFIGURED
    }
}
