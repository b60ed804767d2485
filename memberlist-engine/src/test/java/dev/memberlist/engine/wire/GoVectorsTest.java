package dev.memberlist.engine.wire;

import static dev.memberlist.engine.wire.GoVectors.HEX;
import static dev.memberlist.engine.wire.GoVectors.b64;
import static dev.memberlist.engine.wire.GoVectors.hex;
import static dev.memberlist.engine.wire.GoVectors.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.memberlist.engine.security.Security;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every vector Go memberlist 0.2.2 wrote, decoded and re-encoded byte for byte. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GoVectorsTest {
    private static final int EXPECTED_VECTORS = 32;
    private static final Set<String> VERIFIED = ConcurrentHashMap.newKeySet();

    static Stream<Arguments> vectors() {
        return GoVectors.all().values().stream()
                .map(v -> Arguments.of(v.get("name").asString(), v.get("kind").asString()));
    }

    @Order(1)
    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("vectors")
    void vector(String name, String kind) throws Exception {
        check(name, kind, GoVectors.all().get(name));
        VERIFIED.add(name);
    }

    private static void check(String name, String kind, JsonNode v) throws Exception {
        switch (kind) {
            case "message" -> message(v);
            case "body" -> body(v);
            case "compound" -> compound(v);
            case "crc" -> crc(v);
            case "compress" -> compress(v);
            case "lzw" -> lzw(v);
            case "encrypt" -> encrypt(v);
            case "stream" -> stream(v);
            default -> fail("vector " + name + " has an unknown kind " + kind);
        }
    }

    static Stream<Arguments> newerVectors() {
        return GoVectors.newer().values().stream()
                .map(v -> Arguments.of(v.get("name").asString(), v.get("kind").asString()));
    }

    /**
     * The same set written by Go 0.5.3 (go-msgpack v2), plus headers at every integer size: each
     * decodes to its fields. Where 0.5.3 writes an int of 128 or more in a signed form
     * ({@code d1}/{@code d2}/{@code d3}), we read it, and write 0.2.2's unsigned form, which every
     * Go version reads; elsewhere the bytes are the same and checked both ways.
     */
    @Order(3)
    @ParameterizedTest(name = "0.5.3 {0} ({1})")
    @MethodSource("newerVectors")
    void newerVector(String name, String kind) throws Exception {
        JsonNode v = GoVectors.newer().get(name);
        boolean signedInts = name.endsWith("_big") || name.matches(".*_n\\d+");
        if (!signedInts) {
            check(name, kind, v);
            return;
        }
        byte[] wire = hex(v, "hex");
        if (name.endsWith("_n2147483648")) {
            // 2^31 nodes or bytes: past what a Java int (and every limit of ours) holds
            assertThatThrownBy(() -> MessageCodec.decode(
                            fromFields(
                                            wire[0] & 0xff,
                                            GoVectors.newer()
                                                    .get(name.replace("2147483648", "127"))
                                                    .get("fields"))
                                    .getClass(),
                            wire,
                            1,
                            wire.length - 1))
                    .isInstanceOf(DecodeException.class)
                    .hasMessageContaining("out of range");
            return;
        }
        Message expected = fromFields(wire[0] & 0xff, v.get("fields"));
        Message decoded = MessageCodec.decode(expected.getClass(), wire, 1, wire.length - 1);
        assertThat(decoded).usingRecursiveComparison().isEqualTo(expected);
        byte[] ours = MessageCodec.encode(expected);
        assertThat(MessageCodec.decode(expected.getClass(), ours, 1, ours.length - 1))
                .usingRecursiveComparison()
                .isEqualTo(expected);
    }

    /** Runs after the vectors: each of them must have been checked and passed. */
    @Order(2)
    @Test
    void everyVectorWasVerified() {
        assertThat(GoVectors.names()).hasSize(EXPECTED_VECTORS);
        assertThat(VERIFIED).containsExactlyInAnyOrderElementsOf(GoVectors.names());
    }

    private static void message(JsonNode v) throws DecodeException {
        byte[] wire = hex(v, "hex");
        Message expected = fromFields(wire[0] & 0xff, v.get("fields"));
        Message decoded = MessageCodec.decode(expected.getClass(), wire, 1, wire.length - 1);
        assertThat(decoded).usingRecursiveComparison().isEqualTo(expected);
        assertThat(HEX.formatHex(MessageCodec.encode(expected))).isEqualTo(HEX.formatHex(wire));
        assertThat(MessageCodec.encode(decoded)).isEqualTo(wire);
        assertThat(MessageCodec.encodeBody(expected)).isEqualTo(Arrays.copyOfRange(wire, 1, wire.length));
    }

    private static void body(JsonNode v) throws DecodeException {
        byte[] wire = hex(v, "hex");
        JsonNode f = v.get("fields");
        PushNodeState expected = new PushNodeState(
                str(f, "Name"),
                b64(f, "Addr"),
                f.get("Port").asInt(),
                b64(f, "Meta"),
                f.get("Incarnation").asLong(),
                f.get("State").asInt(),
                b64(f, "Vsn"));
        PushNodeState decoded = MessageCodec.decode(PushNodeState.class, wire, 0, wire.length);
        assertThat(decoded).usingRecursiveComparison().isEqualTo(expected);
        assertThat(expected.type()).isNull();
        assertThat(HEX.formatHex(MessageCodec.encode(expected))).isEqualTo(HEX.formatHex(wire));
        assertThat(MessageCodec.encodeBody(expected)).isEqualTo(wire);
    }

    private static void compound(JsonNode v) throws DecodeException {
        byte[] wire = hex(v, "hex");
        List<byte[]> parts = List.of(
                hex(GoVectors.all().get("ping_min"), "hex"),
                hex(GoVectors.all().get("ack"), "hex"),
                hex(GoVectors.all().get("suspect"), "hex"));
        assertThat(Compound.makeCompoundMessage(parts)).isEqualTo(wire);
        assertThat(Compound.makeCompoundMessages(parts)).hasSize(1).first().isEqualTo(wire);
        Compound.Parts decoded = Compound.decodeCompoundMessage(wire, 1, wire.length - 1);
        assertThat(decoded.truncated()).isZero();
        assertThat(decoded.parts()).containsExactlyElementsOf(parts);
    }

    private static void crc(JsonNode v) {
        byte[] wire = hex(v, "hex");
        byte[] input = hex(v, "input_hex");
        assertThat(Crc.addCrc(input)).isEqualTo(wire);
        assertThat(Crc.hasCrc(wire)).isTrue();
        assertThat(Crc.verify(wire)).isTrue();
        assertThat(Arrays.copyOfRange(wire, 5, wire.length)).isEqualTo(input);
    }

    private static void compress(JsonNode v) throws DecodeException {
        byte[] wire = hex(v, "hex");
        byte[] input = hex(v, "input_hex");
        assertThat(HEX.formatHex(Compression.compressPayload(input))).isEqualTo(HEX.formatHex(wire));
        assertThat(Compression.decompressPayload(wire, 1, wire.length - 1)).isEqualTo(input);
        Compress c = MessageCodec.decode(Compress.class, wire, 1, wire.length - 1);
        assertThat(c.algo()).isZero();
        assertThat(c.buf()).isEqualTo(Lzw.compress(input));
    }

    private static void lzw(JsonNode v) throws DecodeException {
        byte[] wire = hex(v, "hex");
        byte[] input = hex(v, "input_hex");
        assertThat(HEX.formatHex(Lzw.compress(input))).isEqualTo(HEX.formatHex(wire));
        assertThat(Lzw.decompress(wire, 0, wire.length, Limits.MAX_DECOMPRESSED_BYTES))
                .isEqualTo(input);
    }

    private static void encrypt(JsonNode v) throws DecodeException {
        byte[] wire = hex(v, "hex");
        byte[] input = hex(v, "input_hex");
        byte[] key = hex(v, "key_hex");
        byte[] aad = v.has("aad_hex") ? hex(v, "aad_hex") : null;
        int vsn = wire[0];
        assertThat(wire).hasSize(Security.encryptedLength(vsn, input.length));
        assertThat(Security.decryptPayload(List.of(key), wire, aad)).isEqualTo(input);
        // And our own encryption of the same input is read back the same way.
        byte[] ours = Security.encryptPayload(vsn, key, input, aad);
        assertThat(ours).hasSize(wire.length);
        assertThat(Security.decryptPayload(List.of(key), ours, aad)).isEqualTo(input);
    }

    private static void stream(JsonNode v) throws Exception {
        byte[] wire = hex(v, "hex");
        assertFramedExactly(wire);

        byte[] plain = wire;
        if ((wire[0] & 0xff) == MessageType.ENCRYPT.code()) {
            byte[] key = hex(v, "key_hex");
            byte[] aad = Arrays.copyOf(wire, 5);
            plain = Security.decryptPayload(List.of(key), Arrays.copyOfRange(wire, 5, wire.length), aad);
            assertFramedExactly(plain);
        }
        byte[] inner = plain;
        if ((plain[0] & 0xff) == MessageType.COMPRESS.code()) {
            inner = Compression.decompressPayload(plain, 1, plain.length - 1);
            assertFramedExactly(inner);
        }
        assertThat(inner[0] & 0xff).isEqualTo(MessageType.PUSH_PULL.code());
        PushPull pp = MessageCodec.decodePushPull(inner, 1, inner.length - 1);

        JsonNode f = v.get("fields");
        assertThat(pp.join()).isEqualTo(f.get("join").asBoolean());
        assertThat(new String(pp.userState(), StandardCharsets.UTF_8))
                .isEqualTo(f.get("user_state").asString());
        List<JsonNode> nodes = new ArrayList<>(f.get("nodes").values());
        assertThat(pp.nodes()).hasSize(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode n = nodes.get(i);
            PushNodeState s = pp.nodes().get(i);
            assertThat(s.name()).isEqualTo(n.get("name").asString());
            assertThat(InetAddress.getByAddress(s.addr()).getHostAddress())
                    .isEqualTo(n.get("addr").asString());
            assertThat(s.port()).isEqualTo(n.get("port").asInt());
            assertThat(new String(s.meta(), StandardCharsets.UTF_8))
                    .isEqualTo(n.get("meta").asString());
            assertThat(s.incarnation()).isEqualTo(n.get("incarnation").asLong());
            assertThat(s.state()).isEqualTo(n.get("state").asInt());
            byte[] vsn = new byte[n.get("vsn").size()];
            for (int j = 0; j < vsn.length; j++) {
                vsn[j] = (byte) n.get("vsn").get(j).asInt();
            }
            assertThat(s.vsn()).isEqualTo(vsn);
        }

        // Go is deterministic up to the encryption nonce: re-encode the plaintext layers.
        assertThat(HEX.formatHex(MessageCodec.encodePushPull(pp))).isEqualTo(HEX.formatHex(inner));
        if (plain != inner) {
            assertThat(Compression.compressPayload(inner)).isEqualTo(plain);
        }
    }

    /** The framer finds exactly the whole message, and nothing before its last byte has arrived. */
    private static void assertFramedExactly(byte[] msg) throws DecodeException {
        assertThat(StreamFramer.frameLength(msg, 0, msg.length)).isEqualTo(msg.length);
        for (int n = 0; n < msg.length; n++) {
            assertThat(StreamFramer.frameLength(msg, 0, n))
                    .as("prefix of %d bytes", n)
                    .isEqualTo(-1);
        }
        // Trailing bytes of the next message do not change the answer.
        byte[] more = Arrays.copyOf(msg, msg.length + 7);
        assertThat(StreamFramer.frameLength(more, 0, more.length)).isEqualTo(msg.length);
    }

    /** A Go struct from its encoding/json form, by message type byte. */
    private static Message fromFields(int type, JsonNode f) {
        return switch (MessageType.fromCode(type)) {
            case PING -> new Ping(
                    f.get("SeqNo").asLong(),
                    str(f, "Node"),
                    b64(f, "SourceAddr"),
                    f.get("SourcePort").asInt(),
                    str(f, "SourceNode"));
            case INDIRECT_PING -> new IndirectPingReq(
                    f.get("SeqNo").asLong(),
                    b64(f, "Target"),
                    f.get("Port").asInt(),
                    str(f, "Node"),
                    f.get("Nack").asBoolean(),
                    b64(f, "SourceAddr"),
                    f.get("SourcePort").asInt(),
                    str(f, "SourceNode"));
            case ACK_RESP -> new AckResp(f.get("SeqNo").asLong(), b64(f, "Payload"));
            case NACK_RESP -> new NackResp(f.get("SeqNo").asLong());
            case ERR -> new ErrResp(str(f, "Error"));
            case SUSPECT -> new Suspect(f.get("Incarnation").asLong(), str(f, "Node"), str(f, "From"));
            case DEAD -> new Dead(f.get("Incarnation").asLong(), str(f, "Node"), str(f, "From"));
            case ALIVE -> new Alive(
                    f.get("Incarnation").asLong(),
                    str(f, "Node"),
                    b64(f, "Addr"),
                    f.get("Port").asInt(),
                    b64(f, "Meta"),
                    b64(f, "Vsn"));
            case PUSH_PULL -> new PushPullHeader(
                    f.get("Nodes").asInt(),
                    f.get("UserStateLen").asInt(),
                    f.get("Join").asBoolean());
            case USER -> new UserMsgHeader(f.get("UserMsgLen").asInt());
            default -> throw new AssertionError("no message vector expected for type " + type);
        };
    }
}
