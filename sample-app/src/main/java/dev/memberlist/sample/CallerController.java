package dev.memberlist.sample;

import dev.memberlist.sample.GreeterController.Greeting;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * The {@code caller} side: {@code POST /call} calls {@code http://greeter/greeting} through a
 * {@code @LoadBalanced RestClient}. The host {@code greeter} is a service id: Spring Cloud
 * LoadBalancer picks one of its instances, round robin, from the memberlist discovery client,
 * which reads the live member list. No registry server runs anywhere.
 */
@RestController
public class CallerController {

    private final RestClient greeter;

    private final String service;

    public CallerController(
            @LoadBalanced RestClient.Builder builder, @Value("${sample.greeter-service:greeter}") String service) {
        this.greeter = builder.build();
        this.service = service;
    }

    @PostMapping("/call")
    public ResponseEntity<Object> call() {
        try {
            Greeting greeting = this.greeter
                    .get()
                    .uri("http://" + this.service + "/greeting")
                    .retrieve()
                    .body(Greeting.class);
            return ResponseEntity.ok(greeting);
        } catch (RestClientException | IllegalStateException ex) {
            // no live instance of the service, or the one picked failed
            return ResponseEntity.status(HttpStatus.BAD_GATEWAY)
                    .body(Map.of("error", "calling service '" + this.service + "' failed: " + ex.getMessage()));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class LoadBalancedClientConfiguration {

        /** A builder whose clients resolve service ids to instances (LoadBalancer adds that). */
        @Bean
        @LoadBalanced
        RestClient.Builder loadBalancedRestClientBuilder() {
            JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build());
            requestFactory.setReadTimeout(Duration.ofSeconds(10));
            return RestClient.builder().requestFactory(requestFactory);
        }
    }
}
