package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.ConfigValidationException;
import dev.memberlist.engine.security.Keyring;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Builds the engine {@link Config} from {@link MemberlistProperties}: the profile's defaults,
 * overridden by every property that is set.
 */
final class PropertiesConfigFactory {

    /** Engine fields whose property has another name. */
    private static final Map<String, String> RENAMED = Map.of(
            "bindAddr", "bind-address",
            "advertiseAddr", "advertise-address",
            "enableCompression", "compression",
            "secretKey", "encryption.keys",
            "keyring", "encryption.keys",
            "delegate", "tags");

    private static final Set<String> PROPERTY_FIELDS = Arrays.stream(MemberlistProperties.class.getDeclaredFields())
            .filter((f) -> !Modifier.isStatic(f.getModifiers()))
            .map(Field::getName)
            .collect(Collectors.toUnmodifiableSet());

    private PropertiesConfigFactory() {}

    static Config create(MemberlistProperties properties) {
        Config config = properties.getProfile().config();
        config.setName(
                hasText(properties.getName()) ? properties.getName().trim() : defaultName(properties.getBindPort()));
        config.setBindAddr(properties.getBindAddress());
        config.setBindPort(properties.getBindPort());
        config.setAdvertiseAddr(
                hasText(properties.getAdvertiseAddress())
                        ? properties.getAdvertiseAddress().trim()
                        : "");
        // 0 advertises the port actually bound; Go's fixed 7946 would be wrong whenever bind-port is not 7946
        config.setAdvertisePort((properties.getAdvertisePort() != null) ? properties.getAdvertisePort() : 0);
        set(properties.getLabel(), config::setLabel);
        set(properties.getSkipInboundLabelCheck(), config::setSkipInboundLabelCheck);
        config.setEnableCompression(properties.isCompression());
        List<byte[]> keys = properties.getEncryption().decodedKeys();
        if (!keys.isEmpty()) {
            config.setKeyring(Keyring.of(keys.toArray(byte[][]::new)));
        }
        set(properties.getProbeInterval(), config::setProbeInterval);
        set(properties.getProbeTimeout(), config::setProbeTimeout);
        set(properties.getIndirectChecks(), config::setIndirectChecks);
        set(properties.getGossipInterval(), config::setGossipInterval);
        set(properties.getGossipNodes(), config::setGossipNodes);
        set(properties.getGossipToTheDeadTime(), config::setGossipToTheDeadTime);
        set(properties.getSuspicionMult(), config::setSuspicionMult);
        set(properties.getSuspicionMaxTimeoutMult(), config::setSuspicionMaxTimeoutMult);
        set(properties.getRetransmitMult(), config::setRetransmitMult);
        set(properties.getPushPullInterval(), config::setPushPullInterval);
        set(properties.getAwarenessMaxMultiplier(), config::setAwarenessMaxMultiplier);
        set(properties.getTcpTimeout(), config::setTcpTimeout);
        set(properties.getDeadNodeReclaimTime(), config::setDeadNodeReclaimTime);
        set(properties.getProtocolVersion(), config::setProtocolVersion);
        set(properties.getUdpBufferSize(), config::setUdpBufferSize);
        set(properties.getMetaMaxSize(), config::setMetaMaxSize);
        set(properties.getDisableTcpPings(), config::setDisableTcpPings);
        set(properties.getGossipVerifyIncoming(), config::setGossipVerifyIncoming);
        set(properties.getGossipVerifyOutgoing(), config::setGossipVerifyOutgoing);
        set(properties.getHandoffQueueDepth(), config::setHandoffQueueDepth);
        if (!properties.getCidrsAllowed().isEmpty()) {
            config.setCidrsAllowed(properties.getCidrsAllowed());
        }
        set(properties.getRequireNodeNames(), config::setRequireNodeNames);
        set(properties.getReconnectDeadNodes(), config::setReconnectDeadNodes);
        set(properties.getPushPullAfterJoin(), config::setPushPullAfterJoin);
        set(properties.getMaxInboundStreams(), config::setMaxInboundStreams);
        set(properties.getReconnectTimeout(), config::setReconnectTimeout);
        set(properties.getRejoinInterval(), config::setRejoinInterval);
        return config;
    }

    /**
     * {@code <host name>-<bind port>}: unique among instances on one host that differ only in
     * ports. With port 0 the real port is known only after binding, too late for the name, so a
     * random suffix stands in for it.
     */
    static String defaultName(int bindPort) {
        String suffix = (bindPort != 0)
                ? String.valueOf(bindPort)
                : UUID.randomUUID().toString().substring(0, 8);
        return hostName() + "-" + suffix;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException ex) {
            return "localhost";
        }
    }

    /**
     * The {@code memberlist.*} property behind an engine validation failure: the field a
     * {@link ConfigValidationException} names, or null.
     */
    static String propertyFor(IllegalArgumentException ex) {
        if (!(ex instanceof ConfigValidationException cve)) {
            return null;
        }
        String field = cve.field();
        if (RENAMED.containsKey(field)) {
            return "memberlist." + RENAMED.get(field);
        }
        return PROPERTY_FIELDS.contains(field) ? "memberlist." + MemberlistProperties.propertyName(field) : null;
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }
}
