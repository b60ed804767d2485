package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.discovery.DnsSeedProvider;
import dev.memberlist.engine.security.Keyring;
import dev.memberlist.engine.transport.net.TransportMode;
import dev.memberlist.spring.boot.MemberlistTags;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration properties for a memberlist node, under {@code memberlist.*}.
 *
 * <p>Every timing and tuning knob left unset takes the value of the chosen {@link #getProfile()
 * profile}, which holds Go memberlist's defaults ({@code DefaultLANConfig}, {@code
 * DefaultWANConfig}, {@code DefaultLocalConfig}). Values are checked when they are bound: a bad
 * one fails start-up with a message that names the property and what it allows.
 */
@ConfigurationProperties("memberlist")
public class MemberlistProperties implements Validator {

    /** Whether to create and start a memberlist node. */
    private boolean enabled = true;

    /**
     * Unique name of this node in the cluster. Defaults to "<host name>-<bind port>", or
     * "<host name>-<random suffix>" when the bind port is 0, so that several instances on one
     * machine get distinct names.
     */
    private String name;

    /** Base configuration the other settings adjust: Go memberlist's LAN, WAN or local defaults. */
    private Profile profile = Profile.LAN;

    /** Address to bind the UDP and TCP listeners to. */
    private String bindAddress = "0.0.0.0";

    /** Port to bind for both UDP and TCP. 0 picks a free port. */
    private int bindPort = 7946;

    /**
     * Address advertised to the other members. Defaults to the bind address, or to a private
     * address of this host when bound to all interfaces.
     */
    private String advertiseAddress;

    /** Port advertised to the other members. Defaults to the bound port. */
    private Integer advertisePort;

    /**
     * Members to join at start-up, as "host:port" or "host" (the port then defaults to the bind
     * port), or "dns+srv://name" (every SRV record's target and port). A host may be a DNS name:
     * every address it resolves to is contacted, looked up again at every attempt.
     */
    private List<String> seeds = new ArrayList<>();

    /**
     * How packets travel: "udp" (Go's way, and the only one Go nodes speak) or "tcp" (framed on
     * persistent TCP connections, no UDP socket bound: for networks that drop UDP and for load
     * balancers; not wire-compatible with Go nodes).
     */
    private TransportMode transport = TransportMode.UDP;

    /**
     * How often the node looks its seeds up again and, while it sees fewer live members than
     * there are seeds, joins those that are not members: a cluster restarted on new addresses
     * finds itself again. 0 disables it. Not available with seeds that carry a node name
     * ("name/host:port").
     */
    private Duration rejoinInterval = Duration.ofSeconds(30);

    /**
     * Name servers for seed lookups, as "host:port" or "host" (port 53). Empty for the system's
     * (/etc/resolv.conf).
     */
    private List<String> dnsServers = new ArrayList<>();

    /** How long start-up waits for the first join attempt before carrying on. */
    private Duration joinTimeout = Duration.ofSeconds(10);

    /** How often joining is retried in the background while no seed has answered. */
    private Duration joinRetryInterval = Duration.ofSeconds(5);

    /**
     * Whether start-up fails when no seed answers within join-timeout, rather than carrying on
     * alone and retrying in the background.
     */
    private boolean joinFailFast;

    /** How long to wait for the leave message to be gossiped when the node stops. */
    private Duration leaveTimeout = Duration.ofSeconds(5);

    /**
     * Cluster label, prefixed to every packet and stream; nodes with different labels ignore
     * each other. At most 255 bytes. Empty for none.
     */
    private String label;

    /** Whether to also accept unlabelled traffic (for rolling a label out). */
    private Boolean skipInboundLabelCheck;

    /**
     * Tags of this node, carried to every member as its metadata (a msgpack map of strings).
     * Encoded, they must fit in meta-max-size bytes.
     */
    private Map<String, String> tags = new LinkedHashMap<>();

    /** Whether to compress outgoing messages (LZW, as Go memberlist). */
    private boolean compression = true;

    private final Encryption encryption = new Encryption();

    private final Tls tls = new Tls();

    private final Health health = new Health();

    /** Failure detection period. Defaults to the profile's. */
    private Duration probeInterval;

    /** How long to wait for a direct probe's ack before asking others to probe. Defaults to the profile's. */
    private Duration probeTimeout;

    /** Number of members asked to probe a node that missed a direct probe. Defaults to the profile's. */
    private Integer indirectChecks;

    /** Gossip period; 0 turns gossip off. Defaults to the profile's. */
    private Duration gossipInterval;

    /** Number of random members gossiped to each period. Defaults to the profile's. */
    private Integer gossipNodes;

    /**
     * How long dead members still receive gossip, and are kept before being forgotten; at most
     * 36 hours. Defaults to the profile's.
     */
    private Duration gossipToTheDeadTime;

    /** Multiplier of the minimum suspicion timeout. Defaults to the profile's. */
    private Integer suspicionMult;

    /** Maximum suspicion timeout as a multiple of the minimum (Lifeguard); 1 turns dynamic suspicion off. Defaults to the profile's. */
    private Integer suspicionMaxTimeoutMult;

    /** Multiplier of the number of times a message is gossiped. Defaults to the profile's. */
    private Integer retransmitMult;

    /** Period of full state exchanges with a random member; 0 turns them off. Defaults to the profile's. */
    private Duration pushPullInterval;

    /** Lifeguard's cap on how far a node slows its probing when it is itself unhealthy; 1 turns it off. Defaults to the profile's. */
    private Integer awarenessMaxMultiplier;

    /** Timeout of stream connections (joins, push-pull, TCP probes). Defaults to the profile's. */
    private Duration tcpTimeout;

    /** How long a dead member's name stays reserved for its old address; 0 means forever. Defaults to the profile's. */
    private Duration deadNodeReclaimTime;

    /** Protocol version spoken, 1 to 5. Defaults to the profile's (2). */
    private Integer protocolVersion;

    /** Byte budget of one gossip packet. Defaults to the profile's (1400). */
    private Integer udpBufferSize;

    /** Largest metadata (encoded tags) this node may carry, in bytes. Defaults to the profile's (512, Go's limit). */
    private Integer metaMaxSize;

    /** Whether to skip the TCP fallback when a probe over UDP fails. Defaults to the profile's. */
    private Boolean disableTcpPings;

    /** Whether to reject unencrypted input when encryption is on. Defaults to the profile's. */
    private Boolean gossipVerifyIncoming;

    /** Whether to encrypt output when encryption is on. Defaults to the profile's. */
    private Boolean gossipVerifyOutgoing;

    /** Most inbound messages waiting for the protocol thread before new ones are dropped. Defaults to the profile's. */
    private Integer handoffQueueDepth;

    /** Networks, in CIDR notation, that members may advertise addresses from. Empty allows all. */
    private List<String> cidrsAllowed = new ArrayList<>();

    /** Whether to refuse to contact an address without a node name. Defaults to the profile's. */
    private Boolean requireNodeNames;

    /**
     * Whether each push-pull round also contacts one member held dead, or forgotten while dead
     * within reconnect-timeout, so that a healed network partition merges again on its own. A
     * reconnect merges only when the member it expected answers at that address. Defaults to on
     * when the cluster has a label or a keyring, which keep a foreign cluster that took over a
     * dead member's address out; off otherwise (Go memberlist's behaviour: split until a new
     * join).
     */
    private Boolean reconnectDeadNodes;

    /**
     * Whether a node that joined exchanges state once more, with one random member, when its
     * gossip queue first runs dry, so that join rumours lost in a whole-cluster start are mended
     * within a second rather than at the next push-pull. That exchange takes the place of the
     * node's next periodic one. On by default; false is Go's behaviour.
     */
    private Boolean pushPullAfterJoin;

    /**
     * How many streams peers may hold open to this node at once; past it a new one is closed at
     * once and counted (memberlist.tcp.dropped, reason shed). Defaults to 512.
     */
    private Integer maxInboundStreams;

    /**
     * How long a member forgotten while dead stays a reconnect candidate (see
     * reconnect-dead-nodes). Defaults to 24h, Serf's reconnect timeout; 0 tries only members not
     * yet forgotten.
     */
    private Duration reconnectTimeout;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getName() {
        return this.name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Profile getProfile() {
        return this.profile;
    }

    public void setProfile(Profile profile) {
        this.profile = profile;
    }

    public String getBindAddress() {
        return this.bindAddress;
    }

    public void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    public int getBindPort() {
        return this.bindPort;
    }

    public void setBindPort(int bindPort) {
        this.bindPort = bindPort;
    }

    public String getAdvertiseAddress() {
        return this.advertiseAddress;
    }

    public void setAdvertiseAddress(String advertiseAddress) {
        this.advertiseAddress = advertiseAddress;
    }

    public Integer getAdvertisePort() {
        return this.advertisePort;
    }

    public void setAdvertisePort(Integer advertisePort) {
        this.advertisePort = advertisePort;
    }

    public List<String> getSeeds() {
        return this.seeds;
    }

    public void setSeeds(List<String> seeds) {
        this.seeds = seeds;
    }

    public TransportMode getTransport() {
        return this.transport;
    }

    public void setTransport(TransportMode transport) {
        this.transport = transport;
    }

    public Duration getRejoinInterval() {
        return this.rejoinInterval;
    }

    public void setRejoinInterval(Duration rejoinInterval) {
        this.rejoinInterval = rejoinInterval;
    }

    public List<String> getDnsServers() {
        return this.dnsServers;
    }

    public void setDnsServers(List<String> dnsServers) {
        this.dnsServers = dnsServers;
    }

    /** True when the seeds can be looked up afresh at every attempt: set, and none names its node. */
    public boolean hasDiscoverableSeeds() {
        return !this.seeds.isEmpty()
                && this.seeds.stream()
                        .noneMatch((seed) -> seed != null
                                && seed.contains("/")
                                && !seed.regionMatches(
                                        true, 0, DnsSeedProvider.SRV_PREFIX, 0, DnsSeedProvider.SRV_PREFIX.length()));
    }

    /** The name servers as addresses. */
    public List<InetSocketAddress> dnsServerAddresses() {
        return this.dnsServers.stream().map(MemberlistProperties::dnsServer).toList();
    }

    private static InetSocketAddress dnsServer(String server) {
        String s = server.trim();
        int colon = s.lastIndexOf(':');
        boolean hasPort = colon > 0 && (s.indexOf(':') == colon || s.startsWith("["));
        String host = hasPort ? s.substring(0, colon) : s;
        int port = hasPort ? Integer.parseInt(s.substring(colon + 1)) : 53;
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, port);
    }

    public Duration getJoinTimeout() {
        return this.joinTimeout;
    }

    public void setJoinTimeout(Duration joinTimeout) {
        this.joinTimeout = joinTimeout;
    }

    public Duration getJoinRetryInterval() {
        return this.joinRetryInterval;
    }

    public void setJoinRetryInterval(Duration joinRetryInterval) {
        this.joinRetryInterval = joinRetryInterval;
    }

    public boolean isJoinFailFast() {
        return this.joinFailFast;
    }

    public void setJoinFailFast(boolean joinFailFast) {
        this.joinFailFast = joinFailFast;
    }

    public Duration getLeaveTimeout() {
        return this.leaveTimeout;
    }

    public void setLeaveTimeout(Duration leaveTimeout) {
        this.leaveTimeout = leaveTimeout;
    }

    public String getLabel() {
        return this.label;
    }

    public void setLabel(String label) {
        this.label = label;
    }

    public Boolean getSkipInboundLabelCheck() {
        return this.skipInboundLabelCheck;
    }

    public void setSkipInboundLabelCheck(Boolean skipInboundLabelCheck) {
        this.skipInboundLabelCheck = skipInboundLabelCheck;
    }

    public Map<String, String> getTags() {
        return this.tags;
    }

    public void setTags(Map<String, String> tags) {
        this.tags = tags;
    }

    public boolean isCompression() {
        return this.compression;
    }

    public void setCompression(boolean compression) {
        this.compression = compression;
    }

    public Health getHealth() {
        return this.health;
    }

    public Encryption getEncryption() {
        return this.encryption;
    }

    public Duration getProbeInterval() {
        return this.probeInterval;
    }

    public void setProbeInterval(Duration probeInterval) {
        this.probeInterval = probeInterval;
    }

    public Duration getProbeTimeout() {
        return this.probeTimeout;
    }

    public void setProbeTimeout(Duration probeTimeout) {
        this.probeTimeout = probeTimeout;
    }

    public Integer getIndirectChecks() {
        return this.indirectChecks;
    }

    public void setIndirectChecks(Integer indirectChecks) {
        this.indirectChecks = indirectChecks;
    }

    public Duration getGossipInterval() {
        return this.gossipInterval;
    }

    public void setGossipInterval(Duration gossipInterval) {
        this.gossipInterval = gossipInterval;
    }

    public Integer getGossipNodes() {
        return this.gossipNodes;
    }

    public void setGossipNodes(Integer gossipNodes) {
        this.gossipNodes = gossipNodes;
    }

    public Duration getGossipToTheDeadTime() {
        return this.gossipToTheDeadTime;
    }

    public void setGossipToTheDeadTime(Duration gossipToTheDeadTime) {
        this.gossipToTheDeadTime = gossipToTheDeadTime;
    }

    public Integer getSuspicionMult() {
        return this.suspicionMult;
    }

    public void setSuspicionMult(Integer suspicionMult) {
        this.suspicionMult = suspicionMult;
    }

    public Integer getSuspicionMaxTimeoutMult() {
        return this.suspicionMaxTimeoutMult;
    }

    public void setSuspicionMaxTimeoutMult(Integer suspicionMaxTimeoutMult) {
        this.suspicionMaxTimeoutMult = suspicionMaxTimeoutMult;
    }

    public Integer getRetransmitMult() {
        return this.retransmitMult;
    }

    public void setRetransmitMult(Integer retransmitMult) {
        this.retransmitMult = retransmitMult;
    }

    public Duration getPushPullInterval() {
        return this.pushPullInterval;
    }

    public void setPushPullInterval(Duration pushPullInterval) {
        this.pushPullInterval = pushPullInterval;
    }

    public Integer getAwarenessMaxMultiplier() {
        return this.awarenessMaxMultiplier;
    }

    public void setAwarenessMaxMultiplier(Integer awarenessMaxMultiplier) {
        this.awarenessMaxMultiplier = awarenessMaxMultiplier;
    }

    public Duration getTcpTimeout() {
        return this.tcpTimeout;
    }

    public void setTcpTimeout(Duration tcpTimeout) {
        this.tcpTimeout = tcpTimeout;
    }

    public Duration getDeadNodeReclaimTime() {
        return this.deadNodeReclaimTime;
    }

    public void setDeadNodeReclaimTime(Duration deadNodeReclaimTime) {
        this.deadNodeReclaimTime = deadNodeReclaimTime;
    }

    public Integer getProtocolVersion() {
        return this.protocolVersion;
    }

    public void setProtocolVersion(Integer protocolVersion) {
        this.protocolVersion = protocolVersion;
    }

    public Integer getUdpBufferSize() {
        return this.udpBufferSize;
    }

    public void setUdpBufferSize(Integer udpBufferSize) {
        this.udpBufferSize = udpBufferSize;
    }

    public Integer getMetaMaxSize() {
        return this.metaMaxSize;
    }

    public void setMetaMaxSize(Integer metaMaxSize) {
        this.metaMaxSize = metaMaxSize;
    }

    public Boolean getDisableTcpPings() {
        return this.disableTcpPings;
    }

    public void setDisableTcpPings(Boolean disableTcpPings) {
        this.disableTcpPings = disableTcpPings;
    }

    public Boolean getGossipVerifyIncoming() {
        return this.gossipVerifyIncoming;
    }

    public void setGossipVerifyIncoming(Boolean gossipVerifyIncoming) {
        this.gossipVerifyIncoming = gossipVerifyIncoming;
    }

    public Boolean getGossipVerifyOutgoing() {
        return this.gossipVerifyOutgoing;
    }

    public void setGossipVerifyOutgoing(Boolean gossipVerifyOutgoing) {
        this.gossipVerifyOutgoing = gossipVerifyOutgoing;
    }

    public Integer getHandoffQueueDepth() {
        return this.handoffQueueDepth;
    }

    public void setHandoffQueueDepth(Integer handoffQueueDepth) {
        this.handoffQueueDepth = handoffQueueDepth;
    }

    public List<String> getCidrsAllowed() {
        return this.cidrsAllowed;
    }

    public void setCidrsAllowed(List<String> cidrsAllowed) {
        this.cidrsAllowed = cidrsAllowed;
    }

    public Boolean getReconnectDeadNodes() {
        return this.reconnectDeadNodes;
    }

    public void setReconnectDeadNodes(Boolean reconnectDeadNodes) {
        this.reconnectDeadNodes = reconnectDeadNodes;
    }

    public Integer getMaxInboundStreams() {
        return this.maxInboundStreams;
    }

    public void setMaxInboundStreams(Integer maxInboundStreams) {
        this.maxInboundStreams = maxInboundStreams;
    }

    public Boolean getPushPullAfterJoin() {
        return this.pushPullAfterJoin;
    }

    public void setPushPullAfterJoin(Boolean pushPullAfterJoin) {
        this.pushPullAfterJoin = pushPullAfterJoin;
    }

    public Duration getReconnectTimeout() {
        return this.reconnectTimeout;
    }

    public void setReconnectTimeout(Duration reconnectTimeout) {
        this.reconnectTimeout = reconnectTimeout;
    }

    public Boolean getRequireNodeNames() {
        return this.requireNodeNames;
    }

    public void setRequireNodeNames(Boolean requireNodeNames) {
        this.requireNodeNames = requireNodeNames;
    }

    /**
     * The base configurations, Go memberlist's presets.
     */
    public enum Profile {
        /** Go's {@code DefaultLANConfig}: a LAN of any size, quick failure detection. */
        LAN(Config::lan),
        /** Go's {@code DefaultWANConfig}: higher latency and loss, slower detection. */
        WAN(Config::wan),
        /** Go's {@code DefaultLocalConfig}: loopback or a small, fast network. */
        LOCAL(Config::local);

        private final Supplier<Config> factory;

        Profile(Supplier<Config> factory) {
            this.factory = factory;
        }

        /** A fresh engine configuration with this profile's defaults. */
        public Config config() {
            return this.factory.get();
        }
    }

    /**
     * What the {@code memberlist} health indicator reports.
     */
    public static class Health {

        /**
         * Whether a node still trying to join its seeds is DOWN rather than UNKNOWN.
         */
        private boolean requireJoin;

        /**
         * Lifeguard health score (0 is healthy, up to awareness-max-multiplier - 1) from which
         * the node reports itself DOWN as locally degraded: slow to answer, or missing acks.
         * Unset: the score is shown but never changes the status.
         */
        private Integer healthScoreThreshold;

        public boolean isRequireJoin() {
            return this.requireJoin;
        }

        public void setRequireJoin(boolean requireJoin) {
            this.requireJoin = requireJoin;
        }

        public Integer getHealthScoreThreshold() {
            return this.healthScoreThreshold;
        }

        public void setHealthScoreThreshold(Integer healthScoreThreshold) {
            this.healthScoreThreshold = healthScoreThreshold;
        }
    }

    public Tls getTls() {
        return this.tls;
    }

    /**
     * TLS on every TCP connection between members (push-pull, TCP pings, reliable messages; in
     * TCP transport mode, packets too), with certificates from a Spring Boot SSL bundle. UDP
     * packets are not covered: they rely on encryption.keys. Go memberlist has no TLS, so every
     * member of a TLS cluster must be a Java node.
     */
    public static class Tls {

        /**
         * Name of the SSL bundle (spring.ssl.bundle.*) whose key and certificate this node
         * presents and whose trust material peers are checked against. Unset turns TLS off. A
         * bundle reload (reload-on-update) applies to new connections without a restart.
         */
        private String bundle;

        /**
         * Whether peers that connect must present a certificate the bundle trusts: need (mutual
         * TLS), want (checked only when presented) or none.
         */
        private ClientAuth clientAuth = ClientAuth.NEED;

        /** How long a TLS handshake may take before the connection is closed. */
        private Duration handshakeTimeout = Duration.ofSeconds(10);

        public String getBundle() {
            return this.bundle;
        }

        public void setBundle(String bundle) {
            this.bundle = bundle;
        }

        public ClientAuth getClientAuth() {
            return this.clientAuth;
        }

        public void setClientAuth(ClientAuth clientAuth) {
            this.clientAuth = clientAuth;
        }

        public Duration getHandshakeTimeout() {
            return this.handshakeTimeout;
        }

        public void setHandshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = handshakeTimeout;
        }

        /** Whether connecting peers must show a trusted certificate. */
        public enum ClientAuth {
            /** No certificate asked of connecting peers. */
            NONE,
            /** A certificate asked for, checked when presented. */
            WANT,
            /** A trusted certificate required: mutual TLS. */
            NEED
        }
    }

    /**
     * Encryption of all traffic with AES-GCM, compatible with Go memberlist's keyring.
     */
    public static class Encryption {

        /**
         * Base64-encoded AES keys of 16, 24 or 32 bytes. The first encrypts what is sent;
         * all are tried on what arrives (for key rotation). Empty turns encryption off.
         */
        private List<String> keys = new ArrayList<>();

        public List<String> getKeys() {
            return this.keys;
        }

        public void setKeys(List<String> keys) {
            this.keys = keys;
        }

        /** The decoded keys, primary first; only valid after validation. */
        List<byte[]> decodedKeys() {
            return this.keys.stream()
                    .map((k) -> Base64.getDecoder().decode(k.trim()))
                    .toList();
        }
    }

    // ---- validation: each message names the property, so the start-up report is self-explanatory

    @Override
    public boolean supports(Class<?> type) {
        return MemberlistProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        MemberlistProperties p = (MemberlistProperties) target;
        if (p.name != null && p.name.isBlank()) {
            reject(errors, "name", "must not be blank (leave it unset for the default)");
        }
        if (p.profile == null) {
            reject(errors, "profile", "must be one of lan, wan, local");
        }
        if (p.tls.bundle != null && p.tls.bundle.isBlank()) {
            reject(errors, "tls.bundle", "must not be blank (leave it unset for no TLS)");
        }
        if (p.tls.clientAuth == null) {
            reject(errors, "tls.clientAuth", "must be one of none, want, need");
        }
        if (p.tls.handshakeTimeout == null || p.tls.handshakeTimeout.isNegative() || p.tls.handshakeTimeout.isZero()) {
            reject(errors, "tls.handshakeTimeout", "must be positive");
        }
        port(errors, "bindPort", p.bindPort);
        if (p.advertisePort != null) {
            port(errors, "advertisePort", p.advertisePort);
        }
        for (int i = 0; i < p.seeds.size(); i++) {
            String seed = p.seeds.get(i);
            if (seed == null || seed.isBlank()) {
                reject(errors, "seeds[" + i + "]", "must be host:port or a host name, got an empty value");
            } else if (p.hasDiscoverableSeeds()) {
                try {
                    DnsSeedProvider.validate(seed);
                } catch (IllegalArgumentException ex) {
                    reject(errors, "seeds[" + i + "]", ex.getMessage());
                }
            }
        }
        notNegative(errors, "rejoinInterval", p.rejoinInterval);
        for (int i = 0; i < p.dnsServers.size(); i++) {
            try {
                InetSocketAddress server = dnsServer(p.dnsServers.get(i));
                if (server.getPort() < 1 || server.getPort() > 65535) {
                    reject(errors, "dnsServers[" + i + "]", "the port must be between 1 and 65535");
                }
            } catch (RuntimeException ex) {
                reject(
                        errors,
                        "dnsServers[" + i + "]",
                        "must be host:port or a host, got '" + p.dnsServers.get(i) + "'");
            }
        }
        positive(errors, "joinTimeout", p.joinTimeout);
        positive(errors, "joinRetryInterval", p.joinRetryInterval);
        positive(errors, "leaveTimeout", p.leaveTimeout);
        if (p.label != null && p.label.getBytes(StandardCharsets.UTF_8).length > Config.LABEL_MAX_SIZE) {
            reject(errors, "label", "must be at most " + Config.LABEL_MAX_SIZE + " bytes");
        }
        validateKeys(errors, p.encryption.keys);
        positiveIfSet(errors, "probeInterval", p.probeInterval);
        positiveIfSet(errors, "probeTimeout", p.probeTimeout);
        positiveIfSet(errors, "tcpTimeout", p.tcpTimeout);
        notNegative(errors, "gossipInterval", p.gossipInterval);
        notNegative(errors, "gossipToTheDeadTime", p.gossipToTheDeadTime);
        notNegative(errors, "pushPullInterval", p.pushPullInterval);
        notNegative(errors, "deadNodeReclaimTime", p.deadNodeReclaimTime);
        range(errors, "indirectChecks", p.indirectChecks, 0, Integer.MAX_VALUE);
        range(errors, "gossipNodes", p.gossipNodes, 0, Integer.MAX_VALUE);
        range(errors, "suspicionMult", p.suspicionMult, 1, Integer.MAX_VALUE);
        range(errors, "suspicionMaxTimeoutMult", p.suspicionMaxTimeoutMult, 1, Integer.MAX_VALUE);
        range(errors, "retransmitMult", p.retransmitMult, 1, Integer.MAX_VALUE);
        range(errors, "awarenessMaxMultiplier", p.awarenessMaxMultiplier, 1, Integer.MAX_VALUE);
        range(errors, "health.healthScoreThreshold", p.health.healthScoreThreshold, 1, Integer.MAX_VALUE);
        range(errors, "protocolVersion", p.protocolVersion, Config.PROTOCOL_VERSION_MIN, Config.PROTOCOL_VERSION_MAX);
        range(errors, "udpBufferSize", p.udpBufferSize, 64, 65507);
        range(errors, "metaMaxSize", p.metaMaxSize, 0, 65535);
        range(errors, "handoffQueueDepth", p.handoffQueueDepth, 1, Integer.MAX_VALUE);
        for (int i = 0; i < p.cidrsAllowed.size(); i++) {
            try {
                // the engine owns CIDR parsing; ask it rather than parse twice
                Config.lan()
                        .setName("check")
                        .setCidrsAllowed(List.of(p.cidrsAllowed.get(i)))
                        .validate();
            } catch (IllegalArgumentException ex) {
                reject(errors, "cidrsAllowed[" + i + "]", "must be a network in CIDR notation, like 10.0.0.0/8");
            }
        }
        validateTags(errors, p);
    }

    private static void validateKeys(Errors errors, List<String> keys) {
        for (int i = 0; i < keys.size(); i++) {
            String field = "encryption.keys[" + i + "]";
            String key = keys.get(i);
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(key == null ? "" : key.trim());
            } catch (IllegalArgumentException ex) {
                reject(errors, field, "must be base64 (" + ex.getMessage() + ")");
                continue;
            }
            try {
                Keyring.validateKey(raw);
            } catch (IllegalArgumentException ex) {
                reject(errors, field, "must decode to 16, 24 or 32 bytes (AES-128, -192 or -256), got " + raw.length);
            }
        }
    }

    private static void validateTags(Errors errors, MemberlistProperties p) {
        if (p.tags.isEmpty()) {
            return;
        }
        int limit = (p.metaMaxSize != null) ? p.metaMaxSize : Config.META_MAX_SIZE;
        int size = MemberlistTags.encode(p.tags).length;
        if (size > limit) {
            reject(errors, "tags", "encode to " + size + " bytes, more than meta-max-size (" + limit + ")");
        }
    }

    private static void port(Errors errors, String field, int port) {
        if (port < 0 || port > 65535) {
            reject(errors, field, "must be between 0 and 65535, got " + port);
        }
    }

    private static void range(Errors errors, String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            String allowed = (max == Integer.MAX_VALUE) ? "at least " + min : "between " + min + " and " + max;
            reject(errors, field, "must be " + allowed + ", got " + value);
        }
    }

    private static void positive(Errors errors, String field, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            reject(errors, field, "must be a positive duration, got " + value);
        }
    }

    private static void positiveIfSet(Errors errors, String field, Duration value) {
        if (value != null) {
            positive(errors, field, value);
        }
    }

    private static void notNegative(Errors errors, String field, Duration value) {
        if (value != null && value.isNegative()) {
            reject(errors, field, "must not be negative (0 turns it off), got " + value);
        }
    }

    private static void reject(Errors errors, String field, String message) {
        errors.rejectValue(field, "memberlist." + field, "memberlist." + propertyName(field) + " " + message);
    }

    /** {@code encryption.keys[0]} for {@code encryption.keys[0]}, {@code bind-port} for {@code bindPort}. */
    static String propertyName(String field) {
        StringBuilder out = new StringBuilder(field.length() + 8);
        for (char c : field.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
