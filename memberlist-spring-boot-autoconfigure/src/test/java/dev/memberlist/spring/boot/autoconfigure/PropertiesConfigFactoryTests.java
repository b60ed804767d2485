package dev.memberlist.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.Config;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link PropertiesConfigFactory}: the engine configuration made of default
 * properties, without binding a socket.
 */
class PropertiesConfigFactoryTests {

    @Test
    void defaultPropertiesGiveGoLanDefaults() {
        Config config = PropertiesConfigFactory.create(new MemberlistProperties());
        assertThat(ConfigValues.of(config))
                .isEqualTo(
                        // the starter rejoins its seeds every 30 s; Go has no rejoin
                        ConfigValues.of(Config.lan()
                                .setName(config.getName())
                                .setAdvertisePort(0)
                                .setRejoinInterval(Duration.ofSeconds(30))));
        assertThat(config.getBindAddr()).isEqualTo("0.0.0.0");
        assertThat(config.getBindPort()).isEqualTo(7946);
        assertThat(config.getProbeInterval()).isEqualTo(Config.lan().getProbeInterval());
        assertThat(config.isEnableCompression()).isTrue();
        assertThat(config.encryptionEnabled()).isFalse();
    }

    @Test
    void defaultNameIsHostAndBindPort() throws Exception {
        String host = InetAddress.getLocalHost().getHostName();
        MemberlistProperties properties = new MemberlistProperties();
        properties.setBindPort(7947);
        assertThat(PropertiesConfigFactory.create(properties).getName()).isEqualTo(host + "-7947");
    }

    @Test
    void defaultNameWithPortZeroIsUnique() {
        MemberlistProperties properties = new MemberlistProperties();
        properties.setBindPort(0);
        String a = PropertiesConfigFactory.create(properties).getName();
        String b = PropertiesConfigFactory.create(properties).getName();
        assertThat(a).isNotEqualTo(b).doesNotEndWith("-0");
    }

    @Test
    void unsetAdvertisePortMeansTheBoundPort() {
        MemberlistProperties properties = new MemberlistProperties();
        properties.setBindPort(8000);
        assertThat(PropertiesConfigFactory.create(properties).getAdvertisePort())
                .isZero();
        properties.setAdvertisePort(9000);
        assertThat(PropertiesConfigFactory.create(properties).getAdvertisePort())
                .isEqualTo(9000);
    }

    @Test
    void engineValidationFailuresMapToProperties() {
        assertThat(propertyOf(Config.lan().setBindPort(70000))).isEqualTo("memberlist.bind-port");
        assertThat(propertyOf(Config.lan().setUdpBufferSize(10))).isEqualTo("memberlist.udp-buffer-size");
        assertThat(propertyOf(Config.lan().setSecretKey(new byte[3]))).isEqualTo("memberlist.encryption.keys");
        assertThat(propertyOf(Config.lan().setCidrsAllowed(java.util.List.of("x"))))
                .isEqualTo("memberlist.cidrs-allowed");
        assertThat(propertyOf(Config.lan().setQueueCheckInterval(java.time.Duration.ofSeconds(-1))))
                .isNull();
        assertThat(PropertiesConfigFactory.propertyFor(new IllegalArgumentException("bindPort")))
                .isNull();
    }

    private static String propertyOf(Config config) {
        try {
            config.validate();
        } catch (IllegalArgumentException ex) {
            return PropertiesConfigFactory.propertyFor(ex);
        }
        throw new AssertionError("valid: " + config);
    }
}
