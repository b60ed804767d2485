package dev.memberlist.sample;

import dev.memberlist.spring.boot.MemberlistNode;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The {@code greeter} service: {@code GET /greeting} answers with a greeting and which instance
 * gave it. Every instance of the sample serves it; the ones started with {@code
 * --spring.application.name=greeter} register as instances of service {@code greeter}, which
 * {@link CallerController callers} reach as {@code http://greeter/greeting}.
 */
@RestController
public class GreeterController {

    private final MemberlistNode node;

    private final WebServerApplicationContext context;

    public GreeterController(MemberlistNode node, WebServerApplicationContext context) {
        this.node = node;
        this.context = context;
    }

    @GetMapping("/greeting")
    public Greeting greeting() {
        String instance = this.node.getMemberlist().name();
        int port = this.context.getWebServer().getPort();
        return new Greeting("Hello from " + instance, instance, port);
    }

    /**
     * @param text the greeting
     * @param instance the node name of the instance that answered
     * @param port its HTTP port
     */
    public record Greeting(String text, String instance, int port) {}
}
