package dev.memberlist.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Memberlist;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Real applications for cluster tests: each a non-web {@code SpringApplication} whose node binds
 * 127.0.0.1 on a port of its own, on the LOCAL profile's timings; closed together.
 */
final class LoopbackApplications implements AutoCloseable {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    /**
     * Starts one.
     *
     * @param application its configuration class
     * @param name its node's name
     * @param seed whom it joins, or null
     * @param more further properties, {@code key=value}
     * @return the running context
     */
    ConfigurableApplicationContext start(Class<?> application, String name, @Nullable String seed, String... more) {
        List<String> properties = new ArrayList<>(List.of(
                "memberlist.name=" + name,
                "memberlist.profile=local",
                "memberlist.bind-address=127.0.0.1",
                "memberlist.advertise-address=127.0.0.1",
                "memberlist.bind-port=0",
                "spring.main.banner-mode=off"));
        if (seed != null) {
            properties.add("memberlist.seeds=" + seed);
        }
        properties.addAll(List.of(more));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
                .web(WebApplicationType.NONE)
                .properties(properties.toArray(String[]::new))
                .run();
        this.contexts.add(context);
        return context;
    }

    /** The seed that reaches an application's node. */
    static String seedOf(ConfigurableApplicationContext context) {
        return "127.0.0.1:"
                + context.getBean(Memberlist.class).advertiseAddress().getPort();
    }

    /** Waits until every given application's node counts {@code count} members. */
    static void awaitMembers(int count, ConfigurableApplicationContext... contexts) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            for (ConfigurableApplicationContext context : contexts) {
                assertThat(context.getBean(Memberlist.class).numMembers()).isEqualTo(count);
            }
        });
    }

    @Override
    public void close() {
        this.contexts.forEach(ConfigurableApplicationContext::close);
        this.contexts.clear();
    }
}
