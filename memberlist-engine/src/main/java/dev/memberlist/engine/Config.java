package dev.memberlist.engine;

import dev.memberlist.engine.delegate.AliveDelegate;
import dev.memberlist.engine.delegate.ConflictDelegate;
import dev.memberlist.engine.delegate.EventDelegate;
import dev.memberlist.engine.delegate.MergeDelegate;
import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.engine.delegate.PingDelegate;
import dev.memberlist.engine.discovery.SeedProvider;
import dev.memberlist.engine.metrics.Metrics;
import dev.memberlist.engine.scheduler.Scheduler;
import dev.memberlist.engine.security.Keyring;
import dev.memberlist.engine.transport.Transport;
import dev.memberlist.engine.transport.net.NetTls;
import dev.memberlist.engine.transport.net.NetTransportConfig;
import dev.memberlist.engine.transport.net.TransportMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Everything a {@link Memberlist} node is configured with. Start from {@link #lan()},
 * {@link #wan()} or {@link #local()}, which hold Go memberlist's exact defaults, change what
 * you need, and pass it to {@link Memberlist#create(Config)}, which {@link #validate() validates}
 * it. Not thread-safe; do not change a config after the node is created.
 */
public final class Config {
    /** Lowest protocol version this implementation understands. */
    public static final int PROTOCOL_VERSION_MIN = 1;
    /** Highest protocol version this implementation understands. */
    public static final int PROTOCOL_VERSION_MAX = 5;
    /** Go's default speaking version. */
    public static final int PROTOCOL_VERSION_2_COMPATIBLE = 2;
    /** Go's fixed metadata limit, our default. */
    public static final int META_MAX_SIZE = 512;
    /** Longest label allowed. */
    public static final int LABEL_MAX_SIZE = 255;

    private String name = defaultName();
    private Transport transport;
    private String label = "";
    private boolean skipInboundLabelCheck;
    private String bindAddr = "0.0.0.0";
    private int bindPort = 7946;
    private String advertiseAddr = "";
    private int advertisePort = 7946;
    private int protocolVersion = PROTOCOL_VERSION_2_COMPATIBLE;
    private Duration tcpTimeout = Duration.ofSeconds(10);
    private int indirectChecks = 3;
    private int retransmitMult = 4;
    private int suspicionMult = 4;
    private int suspicionMaxTimeoutMult = 6;
    private Duration pushPullInterval = Duration.ofSeconds(30);
    private Duration probeInterval = Duration.ofSeconds(1);
    private Duration probeTimeout = Duration.ofMillis(500);
    private boolean disableTcpPings;
    private Predicate<String> disableTcpPingsForNode;
    private int awarenessMaxMultiplier = 8;
    private Duration gossipInterval = Duration.ofMillis(200);
    private int gossipNodes = 3;
    private Duration gossipToTheDeadTime = Duration.ofSeconds(30);

    /** The longest {@link #getGossipToTheDeadTime()}: dead nodes are held at most this long. */
    public static final Duration GOSSIP_TO_THE_DEAD_MAX = Duration.ofHours(36);

    private boolean gossipVerifyIncoming = true;
    private boolean gossipVerifyOutgoing = true;
    private boolean enableCompression = true;
    private byte[] secretKey;
    private Keyring keyring;
    private NodeDelegate delegate;
    private int delegateProtocolVersion;
    private int delegateProtocolMin;
    private int delegateProtocolMax;
    private EventDelegate events;
    private ConflictDelegate conflict;
    private MergeDelegate merge;
    private PingDelegate ping;
    private AliveDelegate alive;
    private int handoffQueueDepth = 1024;
    private int maxInboundStreams = NetTransportConfig.DEFAULT_MAX_INBOUND_STREAMS;
    private TransportMode transportMode = TransportMode.UDP;
    private NetTls tls;
    private int udpBufferSize = 1400;
    private Duration deadNodeReclaimTime = Duration.ZERO;
    private boolean requireNodeNames;
    private List<String> cidrsAllowed = List.of();
    private Duration queueCheckInterval = Duration.ofSeconds(30);
    /** Null: on when the cluster has an identity (a label or a keyring), else off. */
    private Boolean reconnectDeadNodes;

    private boolean pushPullAfterJoin = true;
    private Duration reconnectTimeout = Duration.ofHours(24);
    private int metaMaxSize = META_MAX_SIZE;
    private Scheduler scheduler;
    private Random random;
    private Metrics metrics = Metrics.NOOP;
    private AddressResolver addressResolver = AddressResolver.SYSTEM;
    private SeedProvider seedProvider;
    private Duration rejoinInterval = Duration.ZERO;

    /** Go's {@code DefaultLANConfig}: a LAN of any size, tuned for quick detection. */
    public static Config lan() {
        return new Config();
    }

    /** Go's {@code DefaultWANConfig}: higher latency and loss, slower detection. */
    public static Config wan() {
        Config c = new Config();
        c.tcpTimeout = Duration.ofSeconds(30);
        c.suspicionMult = 6;
        c.pushPullInterval = Duration.ofSeconds(60);
        c.probeTimeout = Duration.ofSeconds(3);
        c.probeInterval = Duration.ofSeconds(5);
        c.gossipNodes = 4;
        c.gossipInterval = Duration.ofMillis(500);
        c.gossipToTheDeadTime = Duration.ofSeconds(60);
        return c;
    }

    /** Go's {@code DefaultLocalConfig}: loopback or a small, fast network. */
    public static Config local() {
        Config c = new Config();
        c.tcpTimeout = Duration.ofSeconds(1);
        c.indirectChecks = 1;
        c.retransmitMult = 2;
        c.suspicionMult = 3;
        c.pushPullInterval = Duration.ofSeconds(15);
        c.probeTimeout = Duration.ofMillis(200);
        c.gossipInterval = Duration.ofMillis(100);
        c.gossipToTheDeadTime = Duration.ofSeconds(15);
        return c;
    }

    /** A profile by name: {@code lan}, {@code wan} or {@code local}. */
    public static Config profile(String profile) {
        return switch (profile == null ? "" : profile.toLowerCase(java.util.Locale.ROOT)) {
            case "lan" -> lan();
            case "wan" -> wan();
            case "local" -> local();
            default -> throw new IllegalArgumentException(
                    "profile must be one of lan, wan, local; got '" + profile + "'");
        };
    }

    private static String defaultName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * Checks every value and builds the keyring from {@link #getSecretKey()}.
     *
     * @throws ConfigValidationException naming the first bad setting and what is allowed
     */
    public void validate() {
        require(name != null && !name.isEmpty(), "name must not be empty");
        require(
                protocolVersion >= PROTOCOL_VERSION_MIN && protocolVersion <= PROTOCOL_VERSION_MAX,
                "protocolVersion must be in [" + PROTOCOL_VERSION_MIN + ", " + PROTOCOL_VERSION_MAX + "], got "
                        + protocolVersion);
        require(
                label.getBytes(StandardCharsets.UTF_8).length <= LABEL_MAX_SIZE,
                "label must be at most " + LABEL_MAX_SIZE + " bytes, got "
                        + label.getBytes(StandardCharsets.UTF_8).length);
        require(bindPort >= 0 && bindPort <= 65535, "bindPort must be in [0, 65535], got " + bindPort);
        require(
                advertisePort >= 0 && advertisePort <= 65535,
                "advertisePort must be in [0, 65535], got " + advertisePort);
        requirePositive("tcpTimeout", tcpTimeout);
        require(indirectChecks >= 0, "indirectChecks must be >= 0, got " + indirectChecks);
        require(maxInboundStreams >= 1, "maxInboundStreams must be >= 1, got " + maxInboundStreams);
        require(retransmitMult >= 1, "retransmitMult must be >= 1, got " + retransmitMult);
        require(suspicionMult >= 1, "suspicionMult must be >= 1, got " + suspicionMult);
        require(suspicionMaxTimeoutMult >= 1, "suspicionMaxTimeoutMult must be >= 1, got " + suspicionMaxTimeoutMult);
        requireNotNegative("pushPullInterval", pushPullInterval);
        requireNotNegative("probeInterval", probeInterval);
        requirePositive("probeTimeout", probeTimeout);
        require(awarenessMaxMultiplier >= 1, "awarenessMaxMultiplier must be >= 1, got " + awarenessMaxMultiplier);
        requireNotNegative("gossipInterval", gossipInterval);
        require(gossipNodes >= 0, "gossipNodes must be >= 0, got " + gossipNodes);
        requireNotNegative("gossipToTheDeadTime", gossipToTheDeadTime);
        // a node table tells a time of change within 39 hours of now (NodeMap#stateChange)
        require(
                gossipToTheDeadTime.compareTo(GOSSIP_TO_THE_DEAD_MAX) <= 0,
                "gossipToTheDeadTime must be at most " + GOSSIP_TO_THE_DEAD_MAX.toHours() + " hours, got "
                        + gossipToTheDeadTime);
        require(handoffQueueDepth >= 1, "handoffQueueDepth must be >= 1, got " + handoffQueueDepth);
        require(
                udpBufferSize >= 64 && udpBufferSize <= 65507,
                "udpBufferSize must be in [64, 65507], got " + udpBufferSize);
        requireNotNegative("deadNodeReclaimTime", deadNodeReclaimTime);
        requireNotNegative("queueCheckInterval", queueCheckInterval);
        requireNotNegative("reconnectTimeout", reconnectTimeout);
        requireNotNegative("rejoinInterval", rejoinInterval);
        require(metaMaxSize >= 0 && metaMaxSize <= 65535, "metaMaxSize must be in [0, 65535], got " + metaMaxSize);
        for (String v : List.of("delegateProtocolVersion", "delegateProtocolMin", "delegateProtocolMax")) {
            int x = v.equals("delegateProtocolVersion")
                    ? delegateProtocolVersion
                    : v.equals("delegateProtocolMin") ? delegateProtocolMin : delegateProtocolMax;
            require(x >= 0 && x <= 255, v + " must be in [0, 255], got " + x);
        }
        for (String cidr : cidrsAllowed) {
            try {
                Cidr.parse(cidr);
            } catch (IllegalArgumentException e) {
                throw new ConfigValidationException("cidrsAllowed", "cidrsAllowed: " + e.getMessage(), e);
            }
        }
        if (secretKey != null && secretKey.length > 0) {
            try {
                Keyring.validateKey(secretKey);
            } catch (IllegalArgumentException e) {
                throw new ConfigValidationException("secretKey", "secretKey: " + e.getMessage(), e);
            }
            if (keyring == null) {
                keyring = Keyring.create(List.of(), secretKey);
            } else {
                keyring.addKey(secretKey);
                keyring.useKey(secretKey);
            }
        }
    }

    /** Every message starts with the name of the setting it is about. */
    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new ConfigValidationException(message.split("[ :]", 2)[0], message);
        }
    }

    private static void requirePositive(String name, Duration d) {
        require(d != null && !d.isNegative() && !d.isZero(), name + " must be a positive duration, got " + d);
    }

    private static void requireNotNegative(String name, Duration d) {
        require(d != null && !d.isNegative(), name + " must not be negative (0 disables it), got " + d);
    }

    /** True when a non-empty keyring is set. */
    public boolean encryptionEnabled() {
        return keyring != null && !keyring.isEmpty();
    }

    /** Go's {@code BuildVsnArray}: {@code [1, 5, protocolVersion, dmin, dmax, dcur]}. */
    public byte[] buildVsnArray() {
        return new byte[] {
            (byte) PROTOCOL_VERSION_MIN,
            (byte) PROTOCOL_VERSION_MAX,
            (byte) protocolVersion,
            (byte) delegateProtocolMin,
            (byte) delegateProtocolMax,
            (byte) delegateProtocolVersion
        };
    }

    /** True when {@link #getCidrsAllowed()} restricts which addresses may join. */
    public boolean ipMustBeChecked() {
        return !cidrsAllowed.isEmpty();
    }

    /** True when the IP (raw 4 or 16 bytes) may take part, per {@link #getCidrsAllowed()}. */
    public boolean ipAllowed(byte[] ip) {
        if (!ipMustBeChecked()) {
            return true;
        }
        for (String c : cidrsAllowed) {
            if (Cidr.parse(c).contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** A shallow copy: delegates, transport, keyring and scheduler are shared. */
    public Config copy() {
        Config c = new Config();
        c.name = name;
        c.transport = transport;
        c.label = label;
        c.skipInboundLabelCheck = skipInboundLabelCheck;
        c.bindAddr = bindAddr;
        c.bindPort = bindPort;
        c.advertiseAddr = advertiseAddr;
        c.advertisePort = advertisePort;
        c.protocolVersion = protocolVersion;
        c.tcpTimeout = tcpTimeout;
        c.indirectChecks = indirectChecks;
        c.retransmitMult = retransmitMult;
        c.suspicionMult = suspicionMult;
        c.suspicionMaxTimeoutMult = suspicionMaxTimeoutMult;
        c.pushPullInterval = pushPullInterval;
        c.probeInterval = probeInterval;
        c.probeTimeout = probeTimeout;
        c.disableTcpPings = disableTcpPings;
        c.disableTcpPingsForNode = disableTcpPingsForNode;
        c.awarenessMaxMultiplier = awarenessMaxMultiplier;
        c.gossipInterval = gossipInterval;
        c.gossipNodes = gossipNodes;
        c.gossipToTheDeadTime = gossipToTheDeadTime;
        c.gossipVerifyIncoming = gossipVerifyIncoming;
        c.gossipVerifyOutgoing = gossipVerifyOutgoing;
        c.enableCompression = enableCompression;
        c.secretKey = secretKey;
        c.keyring = keyring;
        c.delegate = delegate;
        c.delegateProtocolVersion = delegateProtocolVersion;
        c.delegateProtocolMin = delegateProtocolMin;
        c.delegateProtocolMax = delegateProtocolMax;
        c.events = events;
        c.conflict = conflict;
        c.merge = merge;
        c.ping = ping;
        c.alive = alive;
        c.handoffQueueDepth = handoffQueueDepth;
        c.udpBufferSize = udpBufferSize;
        c.deadNodeReclaimTime = deadNodeReclaimTime;
        c.requireNodeNames = requireNodeNames;
        c.cidrsAllowed = cidrsAllowed;
        c.queueCheckInterval = queueCheckInterval;
        c.reconnectDeadNodes = reconnectDeadNodes;
        c.maxInboundStreams = maxInboundStreams;
        c.transportMode = transportMode;
        c.tls = tls;
        c.pushPullAfterJoin = pushPullAfterJoin;
        c.reconnectTimeout = reconnectTimeout;
        c.metaMaxSize = metaMaxSize;
        c.scheduler = scheduler;
        c.random = random;
        c.metrics = metrics;
        c.addressResolver = addressResolver;
        c.seedProvider = seedProvider;
        c.rejoinInterval = rejoinInterval;
        return c;
    }

    // ---- accessors: fluent setters return this -------------------------------------------

    /** The node's unique name; the host name by default. */
    public String getName() {
        return name;
    }

    public Config setName(String name) {
        this.name = name;
        return this;
    }

    /** The transport; null builds a {@code NetTransport} from the bind settings. */
    public Transport getTransport() {
        return transport;
    }

    public Config setTransport(Transport transport) {
        this.transport = transport;
        return this;
    }

    /** Cluster label prefixed to every packet and stream (at most 255 bytes); empty for none. */
    public String getLabel() {
        return label;
    }

    public Config setLabel(String label) {
        this.label = label == null ? "" : label;
        return this;
    }

    /** Accept unlabeled traffic while still using the label as encryption associated data. */
    public boolean isSkipInboundLabelCheck() {
        return skipInboundLabelCheck;
    }

    public Config setSkipInboundLabelCheck(boolean skipInboundLabelCheck) {
        this.skipInboundLabelCheck = skipInboundLabelCheck;
        return this;
    }

    /** Address to bind UDP and TCP to; {@code 0.0.0.0} by default. */
    public String getBindAddr() {
        return bindAddr;
    }

    public Config setBindAddr(String bindAddr) {
        this.bindAddr = bindAddr;
        return this;
    }

    /** Port to bind; 7946 by default, 0 picks a free one. */
    public int getBindPort() {
        return bindPort;
    }

    public Config setBindPort(int bindPort) {
        this.bindPort = bindPort;
        return this;
    }

    /** IP to advertise; empty lets the transport choose. */
    public String getAdvertiseAddr() {
        return advertiseAddr;
    }

    public Config setAdvertiseAddr(String advertiseAddr) {
        this.advertiseAddr = advertiseAddr == null ? "" : advertiseAddr;
        return this;
    }

    /** Port to advertise; 7946 by default. */
    public int getAdvertisePort() {
        return advertisePort;
    }

    public Config setAdvertisePort(int advertisePort) {
        this.advertisePort = advertisePort;
        return this;
    }

    /** Protocol version spoken, 1 to 5; 2 by default. */
    public int getProtocolVersion() {
        return protocolVersion;
    }

    public Config setProtocolVersion(int protocolVersion) {
        this.protocolVersion = protocolVersion;
        return this;
    }

    /** Stream dial timeout and I/O deadline. */
    public Duration getTcpTimeout() {
        return tcpTimeout;
    }

    public Config setTcpTimeout(Duration tcpTimeout) {
        this.tcpTimeout = tcpTimeout;
        return this;
    }

    /** Helpers asked to probe a node that missed a direct ping. */
    public int getIndirectChecks() {
        return indirectChecks;
    }

    public Config setIndirectChecks(int indirectChecks) {
        this.indirectChecks = indirectChecks;
        return this;
    }

    /** Gossip retransmits: {@code retransmitMult * ceil(log10(n + 1))}. */
    public int getRetransmitMult() {
        return retransmitMult;
    }

    public Config setRetransmitMult(int retransmitMult) {
        this.retransmitMult = retransmitMult;
        return this;
    }

    /** Minimum suspicion timeout: {@code suspicionMult * max(1, log10(n)) * probeInterval}. */
    public int getSuspicionMult() {
        return suspicionMult;
    }

    public Config setSuspicionMult(int suspicionMult) {
        this.suspicionMult = suspicionMult;
        return this;
    }

    /** Maximum suspicion timeout as a multiple of the minimum (Lifeguard); 1 turns dynamic suspicion off. */
    public int getSuspicionMaxTimeoutMult() {
        return suspicionMaxTimeoutMult;
    }

    public Config setSuspicionMaxTimeoutMult(int suspicionMaxTimeoutMult) {
        this.suspicionMaxTimeoutMult = suspicionMaxTimeoutMult;
        return this;
    }

    /** Full state exchange period, scaled up above 32 nodes; 0 disables. */
    public Duration getPushPullInterval() {
        return pushPullInterval;
    }

    public Config setPushPullInterval(Duration pushPullInterval) {
        this.pushPullInterval = pushPullInterval;
        return this;
    }

    /** Failure-detection period. */
    public Duration getProbeInterval() {
        return probeInterval;
    }

    public Config setProbeInterval(Duration probeInterval) {
        this.probeInterval = probeInterval;
        return this;
    }

    /** How long to wait for a direct ack before indirect probes. */
    public Duration getProbeTimeout() {
        return probeTimeout;
    }

    public Config setProbeTimeout(Duration probeTimeout) {
        this.probeTimeout = probeTimeout;
        return this;
    }

    /** Turns off the TCP fallback probe. */
    public boolean isDisableTcpPings() {
        return disableTcpPings;
    }

    public Config setDisableTcpPings(boolean disableTcpPings) {
        this.disableTcpPings = disableTcpPings;
        return this;
    }

    /** Turns off the TCP fallback probe for the nodes it matches. */
    public Predicate<String> getDisableTcpPingsForNode() {
        return disableTcpPingsForNode;
    }

    public Config setDisableTcpPingsForNode(Predicate<String> disableTcpPingsForNode) {
        this.disableTcpPingsForNode = disableTcpPingsForNode;
        return this;
    }

    /** Lifeguard's local health cap; the probe interval scales up to this factor; 1 turns it off. */
    public int getAwarenessMaxMultiplier() {
        return awarenessMaxMultiplier;
    }

    public Config setAwarenessMaxMultiplier(int awarenessMaxMultiplier) {
        this.awarenessMaxMultiplier = awarenessMaxMultiplier;
        return this;
    }

    /** Gossip period; 0 disables gossip. */
    public Duration getGossipInterval() {
        return gossipInterval;
    }

    public Config setGossipInterval(Duration gossipInterval) {
        this.gossipInterval = gossipInterval;
        return this;
    }

    /** Nodes gossiped to each period. */
    public int getGossipNodes() {
        return gossipNodes;
    }

    public Config setGossipNodes(int gossipNodes) {
        this.gossipNodes = gossipNodes;
        return this;
    }

    /** How long dead nodes still receive gossip, and are kept before being reaped. */
    public Duration getGossipToTheDeadTime() {
        return gossipToTheDeadTime;
    }

    public Config setGossipToTheDeadTime(Duration gossipToTheDeadTime) {
        this.gossipToTheDeadTime = gossipToTheDeadTime;
        return this;
    }

    /**
     * Reject unencrypted input when a keyring is set. The node's starting value: a running node
     * switches it with {@link Memberlist#setGossipVerifyIncoming}.
     */
    public boolean isGossipVerifyIncoming() {
        return gossipVerifyIncoming;
    }

    public Config setGossipVerifyIncoming(boolean gossipVerifyIncoming) {
        this.gossipVerifyIncoming = gossipVerifyIncoming;
        return this;
    }

    /**
     * Encrypt output when a keyring is set. The node's starting value: a running node switches it
     * with {@link Memberlist#setGossipVerifyOutgoing}.
     */
    public boolean isGossipVerifyOutgoing() {
        return gossipVerifyOutgoing;
    }

    public Config setGossipVerifyOutgoing(boolean gossipVerifyOutgoing) {
        this.gossipVerifyOutgoing = gossipVerifyOutgoing;
        return this;
    }

    /** LZW-compress outgoing messages. */
    public boolean isEnableCompression() {
        return enableCompression;
    }

    public Config setEnableCompression(boolean enableCompression) {
        this.enableCompression = enableCompression;
        return this;
    }

    /** A single AES key (16, 24 or 32 bytes); becomes the keyring's primary. */
    public byte[] getSecretKey() {
        return secretKey;
    }

    public Config setSecretKey(byte[] secretKey) {
        this.secretKey = secretKey;
        return this;
    }

    /** The keyring; encryption is on when it holds a key. */
    public Keyring getKeyring() {
        return keyring;
    }

    public Config setKeyring(Keyring keyring) {
        this.keyring = keyring;
        return this;
    }

    /** Metadata, user messages, user broadcasts and user state. */
    public NodeDelegate getDelegate() {
        return delegate;
    }

    public Config setDelegate(NodeDelegate delegate) {
        this.delegate = delegate;
        return this;
    }

    /** Delegate protocol version spoken (Vsn[5]). */
    public int getDelegateProtocolVersion() {
        return delegateProtocolVersion;
    }

    public Config setDelegateProtocolVersion(int delegateProtocolVersion) {
        this.delegateProtocolVersion = delegateProtocolVersion;
        return this;
    }

    /** Minimum delegate protocol version understood (Vsn[3]). */
    public int getDelegateProtocolMin() {
        return delegateProtocolMin;
    }

    public Config setDelegateProtocolMin(int delegateProtocolMin) {
        this.delegateProtocolMin = delegateProtocolMin;
        return this;
    }

    /** Maximum delegate protocol version understood (Vsn[4]). */
    public int getDelegateProtocolMax() {
        return delegateProtocolMax;
    }

    public Config setDelegateProtocolMax(int delegateProtocolMax) {
        this.delegateProtocolMax = delegateProtocolMax;
        return this;
    }

    /** Join, leave and update events. */
    public EventDelegate getEvents() {
        return events;
    }

    public Config setEvents(EventDelegate events) {
        this.events = events;
        return this;
    }

    /** Name conflicts. */
    public ConflictDelegate getConflict() {
        return conflict;
    }

    public Config setConflict(ConflictDelegate conflict) {
        this.conflict = conflict;
        return this;
    }

    /** Vets joins. */
    public MergeDelegate getMerge() {
        return merge;
    }

    public Config setMerge(MergeDelegate merge) {
        this.merge = merge;
        return this;
    }

    /** Ack payloads and round-trip times. */
    public PingDelegate getPing() {
        return ping;
    }

    public Config setPing(PingDelegate ping) {
        this.ping = ping;
        return this;
    }

    /** Filters alive messages. */
    public AliveDelegate getAlive() {
        return alive;
    }

    public Config setAlive(AliveDelegate alive) {
        this.alive = alive;
        return this;
    }

    /** Sets every delegate the object implements (a {@code CompositeDelegate}, for example). */
    public Config setDelegates(Object d) {
        if (d instanceof NodeDelegate n) {
            delegate = n;
        }
        if (d instanceof EventDelegate e) {
            events = e;
        }
        if (d instanceof ConflictDelegate c) {
            conflict = c;
        }
        if (d instanceof MergeDelegate m) {
            merge = m;
        }
        if (d instanceof PingDelegate p) {
            ping = p;
        }
        if (d instanceof AliveDelegate a) {
            alive = a;
        }
        return this;
    }

    /**
     * Go's {@code HandoffQueueDepth}: most user messages waiting for the delegate, and twice as
     * many packets of gossip waiting for the protocol strand, before new ones are dropped and
     * counted.
     */
    public int getHandoffQueueDepth() {
        return handoffQueueDepth;
    }

    public Config setHandoffQueueDepth(int handoffQueueDepth) {
        this.handoffQueueDepth = handoffQueueDepth;
        return this;
    }

    /** Byte budget of one gossip or piggyback packet. */
    public int getUdpBufferSize() {
        return udpBufferSize;
    }

    public Config setUdpBufferSize(int udpBufferSize) {
        this.udpBufferSize = udpBufferSize;
        return this;
    }

    /** After this long dead, a node's name may be taken by another address; 0 never. */
    public Duration getDeadNodeReclaimTime() {
        return deadNodeReclaimTime;
    }

    public Config setDeadNodeReclaimTime(Duration deadNodeReclaimTime) {
        this.deadNodeReclaimTime = deadNodeReclaimTime;
        return this;
    }

    /** Refuse to send to an address without a node name. */
    public boolean isRequireNodeNames() {
        return requireNodeNames;
    }

    public Config setRequireNodeNames(boolean requireNodeNames) {
        this.requireNodeNames = requireNodeNames;
        return this;
    }

    /** Networks (CIDR notation) nodes may advertise; empty allows all. */
    public List<String> getCidrsAllowed() {
        return cidrsAllowed;
    }

    public Config setCidrsAllowed(List<String> cidrsAllowed) {
        this.cidrsAllowed = cidrsAllowed == null ? List.of() : List.copyOf(new ArrayList<>(cidrsAllowed));
        return this;
    }

    /** How often the broadcast queue depth is sampled into metrics. */
    public Duration getQueueCheckInterval() {
        return queueCheckInterval;
    }

    public Config setQueueCheckInterval(Duration queueCheckInterval) {
        this.queueCheckInterval = queueCheckInterval;
        return this;
    }

    /**
     * How many streams peers may hold open to this node at once (the default transport only);
     * {@value NetTransportConfig#DEFAULT_MAX_INBOUND_STREAMS} by default. Past it a new stream is
     * closed at once and counted ({@code memberlist.tcp.dropped}, reason {@code shed}): a flood
     * of idle connections must not exhaust the process's descriptors. Go has no such limit.
     */
    public int getMaxInboundStreams() {
        return maxInboundStreams;
    }

    public Config setMaxInboundStreams(int maxInboundStreams) {
        this.maxInboundStreams = maxInboundStreams;
        return this;
    }

    /**
     * How the default transport carries packets: {@link TransportMode#UDP} (the default, as Go
     * does) or {@link TransportMode#TCP}, frames on persistent TCP connections with no UDP socket
     * bound, for networks that drop UDP. A TCP-mode node cannot talk to Go memberlist nodes or to
     * UDP-mode nodes: every member must use the same mode. Ignored when a transport is given.
     */
    public TransportMode getTransportMode() {
        return transportMode;
    }

    public Config setTransportMode(TransportMode transportMode) {
        this.transportMode = Objects.requireNonNull(transportMode, "transportMode");
        return this;
    }

    /**
     * TLS on every TCP connection of the default transport (streams, and in
     * {@link TransportMode#TCP} mode packet connections too), or null (the default) for plain
     * TCP. In {@link TransportMode#UDP} mode datagrams still go over UDP, protected only by the
     * keyring's AES-GCM: set a key too, or use TCP mode. Go memberlist has no TLS, so every member
     * of a TLS cluster is a Java node. Ignored when a transport is given.
     */
    public NetTls getTls() {
        return tls;
    }

    public Config setTls(NetTls tls) {
        this.tls = tls;
        return this;
    }

    /**
     * Whether each push-pull round also contacts one member held dead, or reaped while dead,
     * to heal a network partition: Go memberlist stays split until someone joins again, because
     * its push-pull only picks alive nodes. With this on, the two sides exchange state within one
     * push-pull interval, each learns that the other holds it dead and refutes, and the cluster
     * is whole again. The candidates are the dead nodes still held (within
     * {@link #getGossipToTheDeadTime()}) and, for {@link #getReconnectTimeout()} after they were
     * reaped, their last addresses (as Serf's reconnect does).
     *
     * <p>An address outlives its member: a crashed node's IP or port may be handed to a node of
     * another cluster. So a reconnect first pings the address over TCP with the member's name (a
     * node answers only pings for its own name, Go's nodes too, and a stream ack carries no
     * gossip), sends our state only when the member we expected answers, flagged as a join so
     * that the {@link MergeDelegate} on either side may refuse it, and merges only a reply that
     * holds that member at that address.
     * Attempts that no one answered are counted in {@code memberlist.reconnect.unanswered}, replies
     * from someone else in {@code memberlist.reconnect.refused}. Where names
     * alone cannot tell two clusters apart (two StatefulSets that both name their pods
     * {@code cache-0}, {@code cache-1}), only a cluster identity can: <b>by default reconnecting
     * is on only when a {@link #getLabel() label} or a {@link #getKeyring() keyring} is set</b>,
     * under which a foreign cluster cannot even be heard. Setting it explicitly overrides that.
     * Wire-compatible (a ping and a push-pull); costs one extra ping and stream per round while
     * there are candidates.
     */
    public boolean isReconnectDeadNodes() {
        if (reconnectDeadNodes != null) {
            return reconnectDeadNodes;
        }
        return !label.isEmpty() || keyring != null;
    }

    /** See {@link #isReconnectDeadNodes()}: true or false regardless of label and keyring. */
    public Config setReconnectDeadNodes(boolean reconnectDeadNodes) {
        this.reconnectDeadNodes = reconnectDeadNodes;
        return this;
    }

    /**
     * Whether a node that joined exchanges state once more, with one random member, as soon as
     * its gossip queue first runs dry; on by default. After a join storm (a whole cluster
     * starting at once), each joiner knows who had joined before it and learns of later joiners
     * only from rumours, and a rumour is sent a limited number of times: now and then one dies
     * out before it reached everybody, and in Go the cluster then waits for its next push-pull
     * (measured with Go's peer: 30-90 s in half the rounds at 64 nodes). Once the rumours have
     * passed, this exchange mends what they missed. Wire-compatible (a plain push-pull), and no
     * exchange more than Go makes: it takes the place of the node's next periodic one (the
     * exchange with a random alive node; the one with a dead node still runs). Set false for Go's
     * exact behaviour.
     */
    public boolean isPushPullAfterJoin() {
        return pushPullAfterJoin;
    }

    public Config setPushPullAfterJoin(boolean pushPullAfterJoin) {
        this.pushPullAfterJoin = pushPullAfterJoin;
        return this;
    }

    /**
     * How long the address of a node reaped while dead stays a reconnect candidate (see
     * {@link #isReconnectDeadNodes()}); 24 hours by default, Serf's {@code ReconnectTimeout}.
     * A partition that lasts longer than GossipToTheDeadTime plus a probe-list pass has been
     * reaped on both sides by the time it heals, and only these addresses can still bring the
     * halves together. Zero tries dead nodes only until they are reaped. Nodes that left
     * gracefully are never candidates.
     */
    public Duration getReconnectTimeout() {
        return reconnectTimeout;
    }

    public Config setReconnectTimeout(Duration reconnectTimeout) {
        this.reconnectTimeout = reconnectTimeout;
        return this;
    }

    /** Largest local metadata allowed; 512 (Go's fixed limit) by default. */
    public int getMetaMaxSize() {
        return metaMaxSize;
    }

    public Config setMetaMaxSize(int metaMaxSize) {
        this.metaMaxSize = metaMaxSize;
        return this;
    }

    /**
     * The node's protocol strand and clock; null creates a {@link dev.memberlist.engine.scheduler.Strand}
     * on the JVM's shared threads. Simulations pass a virtual one.
     */
    public Scheduler getScheduler() {
        return scheduler;
    }

    public Config setScheduler(Scheduler scheduler) {
        this.scheduler = scheduler;
        return this;
    }

    /** Source of every random choice; null seeds one from the system. */
    public Random getRandom() {
        return random;
    }

    public Config setRandom(Random random) {
        this.random = random;
        return this;
    }

    /** Where metrics go; none by default. */
    public Metrics getMetrics() {
        return metrics;
    }

    public Config setMetrics(Metrics metrics) {
        this.metrics = metrics == null ? Metrics.NOOP : metrics;
        return this;
    }

    /** Resolves DNS names given as seeds. */
    public AddressResolver getAddressResolver() {
        return addressResolver;
    }

    public Config setAddressResolver(AddressResolver addressResolver) {
        this.addressResolver = addressResolver == null ? AddressResolver.SYSTEM : addressResolver;
        return this;
    }

    /** Where {@link Memberlist#joinSeeds()} and the rejoin loop find seeds; null for none. */
    public SeedProvider getSeedProvider() {
        return seedProvider;
    }

    /**
     * Sets where seeds are found (not in Go): {@link Memberlist#joinSeeds()} joins them, and with
     * a {@link #setRejoinInterval rejoin interval} the node keeps joining the ones it does not
     * see as members.
     */
    public Config setSeedProvider(SeedProvider seedProvider) {
        this.seedProvider = seedProvider;
        return this;
    }

    /** How often the node joins seeds it does not see alive; zero (the default) never. */
    public Duration getRejoinInterval() {
        return rejoinInterval;
    }

    /**
     * Sets how often the node asks its {@link #setSeedProvider seed provider} again and, while it
     * sees fewer live members than there are seeds, joins the seeds that are not live members
     * (not in Go, whose users call Join again themselves, hashicorp/memberlist#80). A cluster
     * fully restarted on new addresses (a Kubernetes rollout) finds itself again through one DNS
     * name, and halves of a partition that outlasted the reconnect timeout merge. Zero disables
     * it.
     */
    public Config setRejoinInterval(Duration rejoinInterval) {
        this.rejoinInterval = rejoinInterval;
        return this;
    }
}
