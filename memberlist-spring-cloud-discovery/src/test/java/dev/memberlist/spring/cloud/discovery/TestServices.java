package dev.memberlist.spring.cloud.discovery;

import dev.memberlist.spring.boot.MemberlistNode;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * Real Spring Boot applications for the tests: each a servlet web application on 127.0.0.1
 * port 0 with a memberlist node on 127.0.0.1 port 0 (Go's local profile, so a crash is
 * detected in seconds), the first one seeding the others. Every one answers {@code GET /whoami}
 * with its node name, and calls others through a {@code @LoadBalanced RestClient}.
 */
final class TestServices implements AutoCloseable {

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    private String seed;

    /**
     * Starts an instance of a service.
     *
     * @param service its {@code spring.application.name}
     * @param name its node name
     * @param more more properties
     */
    ConfigurableApplicationContext start(String service, String name, String... more) {
        List<String> properties = new ArrayList<>(List.of(
                "spring.application.name=" + service,
                "server.port=0",
                "server.address=127.0.0.1",
                "memberlist.name=" + name,
                "memberlist.profile=local",
                "memberlist.bind-address=127.0.0.1",
                "memberlist.advertise-address=127.0.0.1",
                "memberlist.bind-port=0",
                "management.endpoints.web.exposure.include=health",
                "management.endpoint.health.show-details=always",
                "spring.main.banner-mode=off"));
        if (this.seed != null) {
            properties.add("memberlist.seeds=" + this.seed);
        }
        properties.addAll(List.of(more));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ServiceApplication.class)
                .web(WebApplicationType.SERVLET)
                .properties(properties.toArray(String[]::new))
                .run();
        this.contexts.add(context);
        if (this.seed == null) {
            this.seed = "127.0.0.1:"
                    + context.getBean(MemberlistNode.class)
                            .getMemberlist()
                            .advertiseAddress()
                            .getPort();
        }
        return context;
    }

    /** The applications started, in order. */
    List<ConfigurableApplicationContext> contexts() {
        return this.contexts;
    }

    /** The HTTP port the context's web server listens on. */
    static int httpPort(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /**
     * Stops an instance as {@code kill -9} would, inside this JVM: the node stops without
     * leaving (to the others a crash), and the web server stops at once, without graceful
     * shutdown, so requests to it fail.
     */
    static void crash(ConfigurableApplicationContext context) {
        context.getBean(MemberlistNode.class).getMemberlist().shutdown();
        ((WebServerApplicationContext) context).getWebServer().stop();
    }

    @Override
    public void close() {
        for (ConfigurableApplicationContext context : this.contexts) {
            context.close();
        }
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @RestController
    static class ServiceApplication {

        private final MemberlistNode node;

        ServiceApplication(MemberlistNode node) {
            this.node = node;
        }

        @GetMapping("/whoami")
        String whoami() {
            return this.node.getMemberlist().name();
        }

        @Bean
        @LoadBalanced
        RestClient.Builder loadBalancedRestClientBuilder() {
            // bounded, so a call to a crashed instance fails instead of hanging
            JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build());
            requestFactory.setReadTimeout(Duration.ofSeconds(10));
            return RestClient.builder().requestFactory(requestFactory);
        }

        @Bean
        Heartbeats heartbeats() {
            return new Heartbeats();
        }
    }

    /** Every {@link HeartbeatEvent} the application saw. */
    static class Heartbeats implements ApplicationListener<HeartbeatEvent> {

        final List<Object> values = new CopyOnWriteArrayList<>();

        @Override
        public void onApplicationEvent(HeartbeatEvent event) {
            this.values.add(event.getValue());
        }

        int count() {
            return this.values.size();
        }
    }
}
