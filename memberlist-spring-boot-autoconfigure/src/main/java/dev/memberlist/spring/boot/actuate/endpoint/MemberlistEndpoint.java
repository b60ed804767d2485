package dev.memberlist.spring.boot.actuate.endpoint;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.engine.security.Keyring;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.MemberlistTags;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code memberlist} endpoint. Reads: the node, a summary of its cluster and every node it
 * knows, dead and left ones included until they are forgotten ({@code GET}), or one member
 * ({@code GET /{name}}). Writes, which need {@code
 * management.endpoint.memberlist.access=unrestricted}: join more seeds ({@code POST} with
 * {@code seeds}), leave ({@code DELETE}), set and remove a tag ({@code POST /tags/{name}} with
 * {@code value}, {@code DELETE /tags/{name}}), and rotate keys: install one ({@code POST /keys}
 * with a base64 {@code key}), make an installed one primary ({@code POST /keys/{fingerprint}}),
 * remove one ({@code DELETE /keys/{fingerprint}}).
 *
 * <p>Keys are named by fingerprint (the first 8 bytes of their SHA-256, in hex) and never
 * shown. A write that fails answers 400 when the request is wrong and 500 otherwise.
 */
@Endpoint(id = "memberlist", defaultAccess = Access.READ_ONLY)
public class MemberlistEndpoint {

    private final MemberlistNode node;

    private final @Nullable MemberlistTags tags;

    /**
     * @param node the node
     * @param tags its runtime tags, or null when it has none (the application's own node)
     */
    public MemberlistEndpoint(MemberlistNode node, @Nullable MemberlistTags tags) {
        this.node = node;
        this.tags = tags;
    }

    /** The local node, a summary of the cluster, and every known node, sorted by name. */
    @ReadOperation
    public MemberlistDescriptor memberlist() {
        Memberlist memberlist = this.node.getMemberlist();
        List<MemberDescriptor> members = memberlist.nodes().stream()
                .sorted(Comparator.comparing(Node::name))
                .map(MemberDescriptor::of)
                .toList();
        Node local = memberlist.localNode();
        return new MemberlistDescriptor(
                summary(memberlist),
                (local != null) ? MemberDescriptor.of(local) : null,
                memberlist.getHealthScore(),
                members);
    }

    private SummaryDescriptor summary(Memberlist memberlist) {
        Map<String, Integer> states = new LinkedHashMap<>();
        Map<NodeState, Integer> counts = memberlist.stateCounts();
        for (NodeState state : NodeState.values()) {
            states.put(state.name().toLowerCase(Locale.ROOT), counts.getOrDefault(state, 0));
        }
        Keyring keyring = this.node.getKeyring();
        boolean encrypted = keyring != null && !keyring.isEmpty();
        return new SummaryDescriptor(
                memberlist.name(),
                states,
                this.node.getLabel(),
                encrypted,
                encrypted ? fingerprints(keyring) : List.of(),
                memberlist.protocolVersion(),
                this.node.isJoined(),
                memberlist.isRunning(),
                memberlist.hasLeft());
    }

    /**
     * One member.
     *
     * @param name its name
     * @return the member, or null (404) when no node of that name is known
     */
    @ReadOperation
    public @Nullable MemberDescriptor member(@Selector String name) {
        Node node = this.node.getMemberlist().node(name);
        return (node != null) ? MemberDescriptor.of(node) : null;
    }

    /**
     * Joins more members. Over HTTP: {@code POST} with a JSON body such as {@code {"seeds":
     * "10.0.0.2:7946,10.0.0.3:7946"}} (actuator request bodies are flat, so a list is one
     * comma-separated string).
     *
     * @param seeds members as {@code host:port} or {@code host}
     * @return how many answered; when none did, the operation fails
     */
    @WriteOperation
    public JoinDescriptor join(List<String> seeds) {
        List<String> given =
                seeds.stream().map(String::trim).filter((s) -> !s.isEmpty()).toList();
        if (given.isEmpty()) {
            throw new InvalidEndpointRequestException("no seeds given", "seeds must not be empty");
        }
        return new JoinDescriptor(this.node.join(given));
    }

    /** Leaves the cluster gracefully and shuts the node down; the application goes on running. */
    @DeleteOperation
    public LeaveDescriptor leave() {
        this.node.leave();
        return new LeaveDescriptor(this.node.hasLeft());
    }

    /**
     * Installs a key, which the node then accepts; {@code POST /keys} with {@code {"key":
     * "<base64>"}}.
     *
     * @param target {@code keys}
     * @param key the key, base64 of 16, 24 or 32 bytes
     * @return the installed keys' fingerprints
     */
    @WriteOperation
    public KeysDescriptor install(@Selector String target, String key) {
        Keyring keyring = keyring(target);
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(key.trim());
            Keyring.validateKey(bytes);
        } catch (IllegalArgumentException ex) {
            throw new InvalidEndpointRequestException(
                    "key must be base64 of 16, 24 or 32 bytes", "key must be base64 of 16, 24 or 32 bytes");
        }
        keyring.addKey(bytes);
        return keys(keyring);
    }

    /**
     * Sets a tag ({@code POST /tags/{name}} with {@code {"value": "..."}}) or makes an
     * installed key primary ({@code POST /keys/{fingerprint}}).
     *
     * @param target {@code tags} or {@code keys}
     * @param name the tag, or the key's fingerprint
     * @param value the tag's value; unused for a key
     * @return the tags, or the keys' fingerprints
     */
    @WriteOperation
    public Object change(@Selector String target, @Selector String name, @Nullable String value) {
        if (TAGS.equals(target)) {
            if (value == null) {
                throw new InvalidEndpointRequestException("no value given", "value is required to set a tag");
            }
            MemberlistTags tags = tags();
            try {
                tags.put(name, value);
            } catch (IllegalArgumentException ex) {
                throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
            }
            return new TagsDescriptor(tags.get());
        }
        Keyring keyring = keyring(target);
        keyring.useKey(installed(keyring, name));
        return keys(keyring);
    }

    /**
     * Removes a tag ({@code DELETE /tags/{name}}) or a key that is not primary ({@code DELETE
     * /keys/{fingerprint}}).
     *
     * @param target {@code tags} or {@code keys}
     * @param name the tag, or the key's fingerprint
     * @return the tags, or the keys' fingerprints
     */
    @DeleteOperation
    public Object remove(@Selector String target, @Selector String name) {
        if (TAGS.equals(target)) {
            MemberlistTags tags = tags();
            tags.remove(name);
            return new TagsDescriptor(tags.get());
        }
        Keyring keyring = keyring(target);
        byte[] key = installed(keyring, name);
        if (Arrays.equals(key, keyring.getPrimaryKey())) {
            throw new InvalidEndpointRequestException(
                    "the primary key cannot be removed", "make another key primary first");
        }
        keyring.removeKey(key);
        return keys(keyring);
    }

    private static final String TAGS = "tags";

    private static final String KEYS = "keys";

    private MemberlistTags tags() {
        if (this.tags == null) {
            throw new InvalidEndpointRequestException("this node has no runtime tags", "no MemberlistTags bean");
        }
        return this.tags;
    }

    private Keyring keyring(String target) {
        if (!KEYS.equals(target)) {
            throw new InvalidEndpointRequestException(
                    "unknown target '" + target + "'", "expected '" + TAGS + "' or '" + KEYS + "'");
        }
        Keyring keyring = this.node.getKeyring();
        if (keyring == null || keyring.isEmpty()) {
            throw new InvalidEndpointRequestException(
                    "encryption is off", "set memberlist.encryption.keys to rotate keys at runtime");
        }
        return keyring;
    }

    private static byte[] installed(Keyring keyring, String fingerprint) {
        for (byte[] key : keyring.getKeys()) {
            if (fingerprint(key).equals(fingerprint)) {
                return key;
            }
        }
        throw new InvalidEndpointRequestException(
                "no installed key has fingerprint " + fingerprint, "unknown key fingerprint");
    }

    private static KeysDescriptor keys(Keyring keyring) {
        List<String> all = fingerprints(keyring);
        return new KeysDescriptor(all.isEmpty() ? null : all.get(0), all);
    }

    private static List<String> fingerprints(Keyring keyring) {
        return keyring.getKeys().stream().map(MemberlistEndpoint::fingerprint).toList();
    }

    /**
     * How the endpoint names a key: the first 8 bytes of its SHA-256, in hex, which name it
     * without revealing it.
     *
     * @param key the key
     * @return its fingerprint
     */
    public static String fingerprint(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("every JVM has SHA-256", ex);
        }
    }

    /**
     * The endpoint's answer to a read.
     *
     * @param summary the cluster at a glance
     * @param local the local node
     * @param healthScore Lifeguard's health score of the local node, 0 is healthy
     * @param members every known node, sorted by name
     */
    public record MemberlistDescriptor(
            SummaryDescriptor summary,
            @Nullable MemberDescriptor local,
            int healthScore,
            List<MemberDescriptor> members)
            implements OperationResponseBody {}

    /**
     * The cluster as the local node sees it.
     *
     * @param name the local node's name
     * @param members known nodes counted by state
     * @param label the cluster label, empty for none
     * @param encrypted whether traffic is encrypted
     * @param keys fingerprints of the installed keys, the primary first
     * @param protocolVersion the protocol version the node speaks
     * @param joined whether it joined its seeds (or has none)
     * @param running whether the node runs
     * @param left whether it left on purpose
     */
    public record SummaryDescriptor(
            String name,
            Map<String, Integer> members,
            String label,
            boolean encrypted,
            List<String> keys,
            int protocolVersion,
            boolean joined,
            boolean running,
            boolean left) {}

    /**
     * One node.
     *
     * @param name its name
     * @param address its advertised IP address
     * @param port its advertised port
     * @param state alive, suspect, dead or left
     * @param incarnation its incarnation number
     * @param tags its tags, when its metadata is a tags map
     * @param meta its metadata as text, when it is not a tags map
     * @param protocol the protocol versions it speaks
     */
    public record MemberDescriptor(
            String name,
            @Nullable String address,
            int port,
            String state,
            long incarnation,
            @Nullable Map<String, String> tags,
            @Nullable String meta,
            ProtocolDescriptor protocol) {

        static MemberDescriptor of(Node node) {
            Optional<Map<String, String>> tags = MemberlistTags.decode(node.meta());
            InetAddress ip = node.inetAddress();
            return new MemberDescriptor(
                    node.name(),
                    (ip != null) ? ip.getHostAddress() : null,
                    node.port(),
                    node.state().name().toLowerCase(Locale.ROOT),
                    node.incarnation(),
                    tags.orElse(null),
                    tags.isPresent() ? null : node.metaString(),
                    new ProtocolDescriptor(
                            node.pMin(), node.pMax(), node.pCur(), node.dMin(), node.dMax(), node.dCur()));
        }
    }

    /**
     * Protocol versions a node understands and speaks (its six version bytes).
     *
     * @param min lowest protocol version understood
     * @param max highest protocol version understood
     * @param current protocol version spoken
     * @param delegateMin lowest delegate protocol version understood
     * @param delegateMax highest delegate protocol version understood
     * @param delegateCurrent delegate protocol version spoken
     */
    public record ProtocolDescriptor(
            int min, int max, int current, int delegateMin, int delegateMax, int delegateCurrent) {}

    /**
     * The answer to a join.
     *
     * @param contacted how many seeds answered
     */
    public record JoinDescriptor(int contacted) implements OperationResponseBody {}

    /**
     * The node's tags after a change.
     *
     * @param tags the tags
     */
    public record TagsDescriptor(Map<String, String> tags) implements OperationResponseBody {}

    /**
     * The installed keys after a change, by fingerprint.
     *
     * @param primary the key that encrypts
     * @param keys every key accepted, the primary first
     */
    public record KeysDescriptor(@Nullable String primary, List<String> keys) implements OperationResponseBody {}

    /**
     * The answer to a leave.
     *
     * @param left whether the node has left
     */
    public record LeaveDescriptor(boolean left) implements OperationResponseBody {}
}
