package dev.memberlist.spring.boot.test;

import dev.memberlist.engine.Address;
import dev.memberlist.spring.boot.autoconfigure.MemberlistConfigCustomizer;
import dev.memberlist.spring.boot.test.AutoConfigureMemberlist.Network;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Puts the test defaults of one {@link Network} into a test context.
 *
 * <p>The defaults are a property source placed just above the system properties: below every
 * source a test adds itself (inlined {@code properties}, {@code @TestPropertySource}, dynamic
 * properties, command-line {@code args}, all of which Spring's test support puts first), above
 * the environment and the application's configuration files. So the application's
 * {@code memberlist.seeds} never reach a test, and the test's always do.
 */
final class MemberlistTestContextCustomizer implements ContextCustomizer {

    static final String PROPERTY_SOURCE_NAME = "memberlistTestDefaults";

    static final String SEEDS = "memberlist.seeds";

    /** Node names of in-memory contexts: unique in the JVM, so that contexts can join. */
    private static final AtomicInteger names = new AtomicInteger();

    private final Network network;

    MemberlistTestContextCustomizer(Network network) {
        this.network = network;
    }

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("memberlist.bind-address", "127.0.0.1");
        defaults.put("memberlist.bind-port", "0");
        defaults.put("memberlist.advertise-address", "127.0.0.1");
        defaults.put(SEEDS, "");
        PropertySource<?> source;
        if (this.network == Network.IN_MEMORY) {
            defaults.put("memberlist.name", "test-" + names.incrementAndGet());
            source = new InMemoryDefaults(defaults);
            // a fresh transport for each node the context starts (a stop and start makes a new node)
            MemberlistConfigCustomizer onNetwork = (config) ->
                    config.setTransport(MemberlistTestNetwork.inMemory().newTransport(config.getName()));
            context.getBeanFactory().registerSingleton("memberlistTestNetworkCustomizer", onNetwork);
        } else {
            source = new MapPropertySource(PROPERTY_SOURCE_NAME, defaults);
        }
        MutablePropertySources sources = context.getEnvironment().getPropertySources();
        if (sources.contains(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME)) {
            sources.addBefore(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, source);
        } else {
            sources.addLast(source);
        }
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof MemberlistTestContextCustomizer that && that.network == this.network;
    }

    @Override
    public int hashCode() {
        return this.network.hashCode();
    }

    /**
     * The defaults, with {@code memberlist.seeds} read when the properties are bound: the
     * addresses of every node live on the in-memory network at that moment.
     */
    private static final class InMemoryDefaults extends MapPropertySource {

        InMemoryDefaults(Map<String, Object> defaults) {
            super(PROPERTY_SOURCE_NAME, defaults);
        }

        @Override
        public @Nullable Object getProperty(String name) {
            if (SEEDS.equals(name)) {
                return MemberlistTestNetwork.inMemory().liveAddresses().stream()
                        .map(Address::hostPort)
                        .collect(Collectors.joining(","));
            }
            return super.getProperty(name);
        }
    }
}
