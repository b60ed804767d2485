package dev.memberlist.spring.boot;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * The local node's tags, changeable while it runs: each change is encoded as the node's
 * metadata and gossiped with a new incarnation ({@link Memberlist#updateNodeAsync}), so every
 * other member publishes a {@code MemberUpdatedEvent} with the new tags.
 *
 * <p>Tags are a msgpack map of string to string. Strings are written in the old msgpack raw
 * format (never {@code str8}), which Go's msgpack decoders of memberlist's era read too; {@link
 * #decode(byte[])} accepts both string and binary values. The static methods encode and decode
 * any node's tags.
 *
 * <p>Thread-safe; changes never wait for the network, so they may be made from a delegate or a
 * listener. A {@code NodeDelegate} bean whose metadata is not empty wins over the tags.
 */
public class MemberlistTags {

    /** How long a change's future waits for the update to be gossiped enough times. */
    private static final Duration UPDATE_TIMEOUT = Duration.ofSeconds(10);

    private static final MessagePack.PackerConfig PACKER = new MessagePack.PackerConfig().withStr8FormatSupport(false);

    private final int maxSize;

    private volatile Map<String, String> tags;

    private volatile byte[] metadata;

    private volatile Supplier<@Nullable Memberlist> node = () -> null;

    /**
     * @param initial the tags the node starts with
     * @param maxSize the most metadata bytes the node may carry ({@code meta-max-size})
     * @throws IllegalArgumentException when the initial tags encode to more than that
     */
    public MemberlistTags(Map<String, String> initial, int maxSize) {
        this.maxSize = maxSize;
        Map<String, String> copy = Collections.unmodifiableMap(new LinkedHashMap<>(initial));
        this.metadata = checked(copy);
        this.tags = copy;
    }

    /** Sets the running node that changes are pushed to; {@link MemberlistNode} calls it. */
    void attach(Supplier<@Nullable Memberlist> node) {
        this.node = node;
    }

    /** The current tags, in the order they were first set. */
    public Map<String, String> get() {
        return this.tags;
    }

    /** The value of one tag, or null. */
    public @Nullable String get(String name) {
        return this.tags.get(name);
    }

    /**
     * Sets a tag and gossips the change.
     *
     * @param name the tag
     * @param value its value
     * @return completes when the change was gossiped enough times, or at once while the node
     *     is not running or alone; fails when it was not gossiped within 10 seconds (it still
     *     spreads by push-pull)
     * @throws IllegalArgumentException when the tags would no longer fit the node's metadata
     */
    public CompletableFuture<Void> put(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        return change((next) -> next.put(name, value));
    }

    /**
     * Sets several tags at once, in one update.
     *
     * @param tags the tags to set
     * @return as {@link #put}
     * @throws IllegalArgumentException when the tags would no longer fit the node's metadata
     */
    public CompletableFuture<Void> putAll(Map<String, String> tags) {
        Map<String, String> copy = new LinkedHashMap<>(tags);
        return change((next) -> next.putAll(copy));
    }

    /**
     * Removes a tag and gossips the change.
     *
     * @param name the tag
     * @return as {@link #put}; completes at once when there was no such tag
     */
    public CompletableFuture<Void> remove(String name) {
        if (!this.tags.containsKey(name)) {
            return CompletableFuture.completedFuture(null);
        }
        return change((next) -> next.remove(name));
    }

    private CompletableFuture<Void> change(Consumer<Map<String, String>> edit) {
        synchronized (this) {
            Map<String, String> next = new LinkedHashMap<>(this.tags);
            edit.accept(next);
            Map<String, String> copy = Collections.unmodifiableMap(next);
            this.metadata = checked(copy);
            this.tags = copy;
        }
        Memberlist memberlist = this.node.get();
        if (memberlist == null || !memberlist.isRunning() || memberlist.hasLeft()) {
            // read again by the node when it starts
            return CompletableFuture.completedFuture(null);
        }
        return memberlist.updateNodeAsync(UPDATE_TIMEOUT);
    }

    private byte[] checked(Map<String, String> tags) {
        byte[] encoded = encode(tags);
        if (encoded.length > this.maxSize) {
            throw new IllegalArgumentException("memberlist tags take " + encoded.length + " bytes encoded, more than "
                    + "the node's metadata limit of " + this.maxSize + " (memberlist.meta-max-size)");
        }
        return encoded;
    }

    /** The tags as the node's metadata, what the node gossips. */
    public byte[] toMetadata() {
        return this.metadata.clone();
    }

    /**
     * Encodes tags as a msgpack map, in the map's iteration order.
     *
     * @param tags the tags; an empty map encodes to no bytes at all
     * @return the metadata bytes
     */
    public static byte[] encode(@Nullable Map<String, String> tags) {
        if (tags == null || tags.isEmpty()) {
            return new byte[0];
        }
        try (MessageBufferPacker packer = PACKER.newBufferPacker()) {
            packer.packMapHeader(tags.size());
            for (Map.Entry<String, String> e : tags.entrySet()) {
                packer.packString(e.getKey());
                packer.packString((e.getValue() != null) ? e.getValue() : "");
            }
            return packer.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Decodes metadata written by {@link #encode(Map)} (or any msgpack map of strings).
     *
     * @param meta metadata bytes, may be null
     * @return the tags (empty for no metadata), or empty when the bytes are something else
     */
    public static Optional<Map<String, String>> decode(byte @Nullable [] meta) {
        if (meta == null || meta.length == 0) {
            return Optional.of(Collections.emptyMap());
        }
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(meta)) {
            if (unpacker.getNextFormat().getValueType() != ValueType.MAP) {
                return Optional.empty();
            }
            int size = unpacker.unpackMapHeader();
            Map<String, String> tags = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                String key = readString(unpacker);
                String value = readString(unpacker);
                if (key == null || value == null) {
                    return Optional.empty();
                }
                tags.put(key, value);
            }
            // trailing bytes mean it was not a tags map after all
            return unpacker.hasNext() ? Optional.empty() : Optional.of(Collections.unmodifiableMap(tags));
        } catch (IOException | RuntimeException ex) {
            return Optional.empty();
        }
    }

    /** A node's tags, or an empty map when its metadata is not a tags map. */
    public static Map<String, String> of(Node node) {
        return decode(node.meta()).orElse(Collections.emptyMap());
    }

    private static @Nullable String readString(MessageUnpacker unpacker) throws IOException {
        ValueType type = unpacker.getNextFormat().getValueType();
        if (type == ValueType.STRING) {
            int length = unpacker.unpackRawStringHeader();
            return new String(unpacker.readPayload(length), StandardCharsets.UTF_8);
        }
        if (type == ValueType.BINARY) {
            int length = unpacker.unpackBinaryHeader();
            return new String(unpacker.readPayload(length), StandardCharsets.UTF_8);
        }
        return null;
    }
}
