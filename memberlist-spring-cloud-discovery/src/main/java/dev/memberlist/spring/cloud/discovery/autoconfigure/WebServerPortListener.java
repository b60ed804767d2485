package dev.memberlist.spring.cloud.discovery.autoconfigure;

import dev.memberlist.spring.cloud.discovery.MemberlistServiceRegistration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;

/**
 * Hands the web servers' actual ports to the registration: the application's own server (its
 * HTTP port) and a management server of its own ({@code management.server.port}), whose child
 * context's events reach this parent's listeners too. Events of other contexts are ignored.
 */
class WebServerPortListener implements ApplicationListener<WebServerInitializedEvent>, ApplicationContextAware {

    private static final String MANAGEMENT_NAMESPACE = "management";

    private final MemberlistServiceRegistration registration;

    private @Nullable ApplicationContext context;

    WebServerPortListener(MemberlistServiceRegistration registration) {
        this.registration = registration;
    }

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        WebServerApplicationContext source = event.getApplicationContext();
        int port = event.getWebServer().getPort();
        if (port <= 0) {
            return;
        }
        if (source == this.context) {
            if (MANAGEMENT_NAMESPACE.equals(source.getServerNamespace())) {
                this.registration.setManagementPort(port);
            } else {
                this.registration.setPort(port);
            }
        } else if (source.getParent() == this.context && MANAGEMENT_NAMESPACE.equals(source.getServerNamespace())) {
            this.registration.setManagementPort(port);
        }
    }
}
