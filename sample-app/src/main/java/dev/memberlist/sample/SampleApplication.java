package dev.memberlist.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that joins a memberlist cluster. The starter does the work: it
 * creates the node from {@code memberlist.*} in {@code application.yml}, joins the seeds when
 * the application starts and leaves when it stops. This application only adds what a user
 * sees: a {@link MembershipLogger log line} per membership change, a page at {@code /} with a
 * live member table (reading {@code /actuator/memberlist}) and a live {@link EventFeed event
 * feed}, a form to {@link FeedController change this node's tags and broadcast} to the cluster,
 * and a {@link MessageController way to send a message} to a member.
 *
 * <p>Run one instance with {@code java -jar sample-app/target/sample-app.jar}, and more on the
 * same machine by changing only the ports: {@code --server.port=8081
 * --memberlist.bind-port=7947}.
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
