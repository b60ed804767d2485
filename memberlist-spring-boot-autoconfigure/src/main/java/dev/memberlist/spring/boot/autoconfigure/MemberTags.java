package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Tags as node metadata: a msgpack map of string to string.
 *
 * <p>Strings are written in the old msgpack raw format (never {@code str8}), which Go's
 * msgpack decoders of memberlist's era read too; {@link #decode(byte[])} accepts both string
 * and binary values.
 */
public final class MemberTags {

    private static final MessagePack.PackerConfig PACKER = new MessagePack.PackerConfig().withStr8FormatSupport(false);

    private MemberTags() {}

    /**
     * Encodes tags as a msgpack map, in the map's iteration order.
     *
     * @param tags the tags; an empty map encodes to no bytes at all
     * @return the metadata bytes
     */
    public static byte[] encode(Map<String, String> tags) {
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
    public static Optional<Map<String, String>> decode(byte[] meta) {
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

    /** The node's tags, or an empty map when its metadata is not a tags map. */
    public static Map<String, String> of(Node node) {
        return decode(node.meta()).orElse(Collections.emptyMap());
    }

    private static String readString(MessageUnpacker unpacker) throws IOException {
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
