package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Go's DefaultLANConfig, DefaultWANConfig and DefaultLocalConfig, value by value (config.go). */
class ConfigTest {

    @Test
    void lanHoldsGosDefaults() {
        Config c = Config.lan();
        assertThat(c.getBindAddr()).isEqualTo("0.0.0.0");
        assertThat(c.getBindPort()).isEqualTo(7946);
        assertThat(c.getAdvertiseAddr()).isEmpty();
        assertThat(c.getAdvertisePort()).isEqualTo(7946);
        assertThat(c.getProtocolVersion()).isEqualTo(2);
        assertThat(c.getTcpTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.getIndirectChecks()).isEqualTo(3);
        assertThat(c.getRetransmitMult()).isEqualTo(4);
        assertThat(c.getSuspicionMult()).isEqualTo(4);
        assertThat(c.getSuspicionMaxTimeoutMult()).isEqualTo(6);
        assertThat(c.getPushPullInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.getProbeInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.getProbeTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.isDisableTcpPings()).isFalse();
        assertThat(c.getAwarenessMaxMultiplier()).isEqualTo(8);
        assertThat(c.getGossipNodes()).isEqualTo(3);
        assertThat(c.getGossipInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.getGossipToTheDeadTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.isGossipVerifyIncoming()).isTrue();
        assertThat(c.isGossipVerifyOutgoing()).isTrue();
        assertThat(c.isEnableCompression()).isTrue();
        assertThat(c.getHandoffQueueDepth()).isEqualTo(1024);
        assertThat(c.getUdpBufferSize()).isEqualTo(1400);
        assertThat(c.getDeadNodeReclaimTime()).isEqualTo(Duration.ZERO);
        assertThat(c.isRequireNodeNames()).isFalse();
        assertThat(c.getQueueCheckInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.getMetaMaxSize()).isEqualTo(512);
        assertThat(c.getLabel()).isEmpty();
        assertThat(c.buildVsnArray()).containsExactly(1, 5, 2, 0, 0, 0);
    }

    @Test
    void wanOverridesLikeGo() {
        Config c = Config.wan();
        assertThat(c.getTcpTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.getSuspicionMult()).isEqualTo(6);
        assertThat(c.getPushPullInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.getProbeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.getProbeInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.getGossipNodes()).isEqualTo(4);
        assertThat(c.getGossipInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.getGossipToTheDeadTime()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.getIndirectChecks()).isEqualTo(3);
        assertThat(c.getRetransmitMult()).isEqualTo(4);
    }

    @Test
    void localOverridesLikeGo() {
        Config c = Config.local();
        assertThat(c.getTcpTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.getIndirectChecks()).isEqualTo(1);
        assertThat(c.getRetransmitMult()).isEqualTo(2);
        assertThat(c.getSuspicionMult()).isEqualTo(3);
        assertThat(c.getPushPullInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.getProbeTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.getProbeInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.getGossipInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.getGossipToTheDeadTime()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.getGossipNodes()).isEqualTo(3);
    }

    @Test
    void profilesByName() {
        assertThat(Config.profile("WAN").getProbeInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> Config.profile("moon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lan, wan, local");
    }

    @Test
    void badValuesNameTheSettingAndWhatIsAllowed() {
        assertThatThrownBy(() -> Config.lan().setProtocolVersion(6).validate())
                .hasMessageContaining("protocolVersion")
                .hasMessageContaining("[1, 5]");
        assertThatThrownBy(() -> Config.lan().setBindPort(70000).validate()).hasMessageContaining("bindPort");
        assertThatThrownBy(() -> Config.lan().setLabel("x".repeat(256)).validate())
                .hasMessageContaining("label")
                .hasMessageContaining("255");
        assertThatThrownBy(() -> Config.lan().setSecretKey(new byte[10]).validate())
                .hasMessageContaining("secretKey")
                .hasMessageContaining("16, 24 or 32");
        assertThatThrownBy(() -> Config.lan().setProbeTimeout(Duration.ZERO).validate())
                .hasMessageContaining("probeTimeout");
        assertThatThrownBy(
                        () -> Config.lan().setCidrsAllowed(List.of("10.0.0.0")).validate())
                .hasMessageContaining("cidrsAllowed")
                .hasMessageContaining("CIDR");
        assertThatThrownBy(() -> Config.lan().setName("").validate()).hasMessageContaining("name");
        assertThatThrownBy(() -> Config.lan().setGossipNodes(-1).validate())
                .isInstanceOfSatisfying(ConfigValidationException.class, e -> assertThat(e.field())
                        .isEqualTo("gossipNodes"));
        assertThatThrownBy(() -> Config.lan().setSecretKey(new byte[3]).validate())
                .isInstanceOfSatisfying(ConfigValidationException.class, e -> assertThat(e.field())
                        .isEqualTo("secretKey"));
        // a node table tells times of change within 26 days
        assertThatThrownBy(() ->
                        Config.lan().setGossipToTheDeadTime(Duration.ofDays(25)).validate())
                .isInstanceOfSatisfying(ConfigValidationException.class, e -> assertThat(e.field())
                        .isEqualTo("gossipToTheDeadTime"))
                .hasMessageContaining("at most 36 hours");
        Config.lan().setGossipToTheDeadTime(Duration.ofHours(36)).validate();
    }

    @Test
    void secretKeyBecomesThePrimaryKey() {
        byte[] k1 = new byte[16];
        byte[] k2 = new byte[32];
        k2[0] = 1;
        Config c = Config.lan()
                .setKeyring(dev.memberlist.engine.security.Keyring.of(k1))
                .setSecretKey(k2);
        c.validate();
        assertThat(c.encryptionEnabled()).isTrue();
        assertThat(c.getKeyring().getPrimaryKey()).isEqualTo(k2);
        assertThat(c.getKeyring().getKeys()).hasSize(2);
    }

    @Test
    void cidrsAllowedMatchesIpv4AndMappedAddresses() {
        Config c = Config.lan().setCidrsAllowed(List.of("10.0.0.0/8", "fd00::/8"));
        c.validate();
        assertThat(c.ipAllowed(new byte[] {10, 1, 2, 3})).isTrue();
        assertThat(c.ipAllowed(new byte[] {11, 1, 2, 3})).isFalse();
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        assertThat(c.ipAllowed(mapped)).isTrue();
        byte[] ula = new byte[16];
        ula[0] = (byte) 0xfd;
        assertThat(c.ipAllowed(ula)).isTrue();
        assertThat(Config.lan().ipAllowed(new byte[] {1, 2, 3, 4})).isTrue();
    }
}
