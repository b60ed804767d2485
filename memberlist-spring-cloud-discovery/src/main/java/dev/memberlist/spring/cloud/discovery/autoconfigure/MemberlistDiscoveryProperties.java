package dev.memberlist.spring.cloud.discovery.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Spring Cloud discovery over memberlist: how the application registers as an instance of its
 * service, and which members count as instances.
 */
@ConfigurationProperties("memberlist.discovery")
public class MemberlistDiscoveryProperties {

    /** Whether the cluster's members are discovered as service instances. */
    private boolean enabled = true;

    /** Whether this application registers as an instance of its service (false: discover only). */
    private boolean register = true;

    /**
     * The service id to register as, what callers put in the host of {@code http://<service-id>/}:
     * letters, digits, dots and hyphens. Defaults to {@code spring.application.name}.
     */
    private @Nullable String serviceId;

    /** Whether suspect members (missed a probe, not declared dead yet) are instances too. */
    private boolean includeSuspect;

    /** The zone this instance is in, the metadata LoadBalancer's zone preference reads. */
    private @Nullable String zone;

    /** The host others call this instance at; defaults to the node's advertised address. */
    private @Nullable String host;

    /**
     * Whether this instance serves HTTPS; defaults to whether {@code server.ssl} is configured
     * and enabled.
     */
    private @Nullable Boolean secure;

    /** More metadata, carried as node tags; the registration's own keys are reserved. */
    private Map<String, String> metadata = new LinkedHashMap<>();

    /** The order of the discovery clients among the application's others. */
    private int order;

    /**
     * How long the web server keeps serving after the node left the cluster, before graceful
     * shutdown stops taking requests: time for every caller to hear the leave.
     */
    private Duration drainTime = Duration.ofSeconds(1);

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isRegister() {
        return this.register;
    }

    public void setRegister(boolean register) {
        this.register = register;
    }

    public @Nullable String getServiceId() {
        return this.serviceId;
    }

    public void setServiceId(@Nullable String serviceId) {
        this.serviceId = serviceId;
    }

    public boolean isIncludeSuspect() {
        return this.includeSuspect;
    }

    public void setIncludeSuspect(boolean includeSuspect) {
        this.includeSuspect = includeSuspect;
    }

    public @Nullable String getZone() {
        return this.zone;
    }

    public void setZone(@Nullable String zone) {
        this.zone = zone;
    }

    public @Nullable String getHost() {
        return this.host;
    }

    public void setHost(@Nullable String host) {
        this.host = host;
    }

    public @Nullable Boolean getSecure() {
        return this.secure;
    }

    public void setSecure(@Nullable Boolean secure) {
        this.secure = secure;
    }

    public Map<String, String> getMetadata() {
        return this.metadata;
    }

    public void setMetadata(Map<String, String> metadata) {
        this.metadata = metadata;
    }

    public int getOrder() {
        return this.order;
    }

    public void setOrder(int order) {
        this.order = order;
    }

    public Duration getDrainTime() {
        return this.drainTime;
    }

    public void setDrainTime(Duration drainTime) {
        this.drainTime = drainTime;
    }
}
