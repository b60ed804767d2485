package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/** Decoding leniency (everything go-msgpack v0.5 and v2 may write) and encoding strictness. */
class MessageCodecTest {
    private static final byte[] IP = {127, 0, 0, 1};
    private static final byte[] VSN = {1, 5, 2, 0, 0, 0};

    /** A packer as other msgpack libraries use it: str8 and bin allowed. */
    private static MessageBufferPacker packer() {
        return MessagePack.newDefaultBufferPacker();
    }

    private static <T extends Message> T decode(Class<T> type, byte[] b) throws DecodeException {
        return MessageCodec.decode(type, b, 0, b.length);
    }

    @Test
    void signedIntFamiliesAsGoMsgpackV2WritesThem() throws IOException, DecodeException {
        // d0 (int8), d1 (int16), d2 (int32), d3 (int64) holding non-negative values.
        byte[][] styles = {
            {(byte) 0xd0, 0x05},
            {(byte) 0xd1, 0, 5},
            {(byte) 0xd2, 0, 0, 0, 5},
            {(byte) 0xd3, 0, 0, 0, 0, 0, 0, 0, 5},
            {(byte) 0xcc, 5},
            {(byte) 0xcd, 0, 5},
            {(byte) 0xce, 0, 0, 0, 5},
            {(byte) 0xcf, 0, 0, 0, 0, 0, 0, 0, 5},
            {5}
        };
        for (byte[] five : styles) {
            MessageBufferPacker p = packer();
            p.packMapHeader(1).packString("SeqNo");
            p.writePayload(five);
            assertThat(decode(NackResp.class, p.toByteArray()).seqNo()).isEqualTo(5);
            MessageBufferPacker q = packer();
            q.packMapHeader(1).packString("UserMsgLen");
            q.writePayload(five);
            assertThat(decode(UserMsgHeader.class, q.toByteArray()).userMsgLen())
                    .isEqualTo(5);
        }
    }

    @Test
    void unsignedRangeChecks() throws IOException, DecodeException {
        assertThat(decode(NackResp.class, map("SeqNo", 0xffff_ffffL)).seqNo()).isEqualTo(0xffff_ffffL);
        assertRejected(NackResp.class, map("SeqNo", 0x1_0000_0000L), "overflows");
        assertRejected(NackResp.class, map("SeqNo", -1L), "negative");
        assertRejected(NackResp.class, map("SeqNo", Long.MIN_VALUE), "negative");
        assertThat(decode(Alive.class, map("Port", 65535L)).port()).isEqualTo(65535);
        assertRejected(Alive.class, map("Port", 65536L), "overflows");
        assertRejected(Compress.class, map("Algo", 256L), "overflows");
        // cf with the top bit set does not fit a long: still a DecodeException.
        byte[] huge = {(byte) 0x81, (byte) 0xa5, 'S', 'e', 'q', 'N', 'o', (byte) 0xcf, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0
        };
        assertRejected(NackResp.class, huge, "");
        // Go int fields: anything that fits a Java int, negative included; the stream checks bound them.
        assertThat(decode(PushPullHeader.class, map("Nodes", -3L)).nodes()).isEqualTo(-3);
        assertRejected(PushPullHeader.class, map("Nodes", 1L << 31), "out of range");
        assertRejected(PushPullHeader.class, map("UserStateLen", -(1L << 31) - 1), "out of range");
    }

    @Test
    void strOrBinForBytesAndStrings() throws IOException, DecodeException {
        MessageBufferPacker p = packer();
        p.packMapHeader(6);
        p.packString("Addr").packBinaryHeader(4).writePayload(IP);
        p.packString("Meta").packRawStringHeader(40).writePayload(new byte[40]); // str8 (d9)
        p.packString("Node").packBinaryHeader(2).writePayload("n1".getBytes(StandardCharsets.UTF_8));
        p.packString("Vsn").packBinaryHeader(6).writePayload(VSN);
        p.packString("Port").packInt(7946);
        p.packString("Incarnation").packLong(9);
        byte[] b = p.toByteArray();
        assertThat(GoVectors.HEX.formatHex(b)).contains("c404").contains("d928");
        Alive a = decode(Alive.class, b);
        assertThat(a.addr()).isEqualTo(IP);
        assertThat(a.meta()).hasSize(40);
        assertThat(a.node()).isEqualTo("n1");
        assertThat(a.vsn()).isEqualTo(VSN);
        assertThat(a.port()).isEqualTo(7946);
        assertThat(a.incarnation()).isEqualTo(9);
    }

    @Test
    void nilForAnythingAndMissingKeysAreZero() throws IOException, DecodeException {
        MessageBufferPacker p = packer();
        p.packMapHeader(8);
        for (String k : List.of("Nack", "Node", "Port", "SeqNo", "SourceAddr", "SourceNode", "SourcePort", "Target")) {
            p.packString(k).packNil();
        }
        IndirectPingReq r = decode(IndirectPingReq.class, p.toByteArray());
        assertThat(r).usingRecursiveComparison().isEqualTo(new IndirectPingReq(0, null, 0, "", false, null, 0, ""));
        // Empty map, and nil for the whole struct.
        assertThat(decode(Alive.class, new byte[] {(byte) 0x80}))
                .usingRecursiveComparison()
                .isEqualTo(new Alive(0, "", null, 0, null, null));
        assertThat(decode(PushNodeState.class, new byte[] {(byte) 0xc0}))
                .usingRecursiveComparison()
                .isEqualTo(new PushNodeState("", null, 0, null, 0, 0, null));
    }

    @Test
    void unknownKeysSkippedAndKeysMatchedExactly() throws IOException, DecodeException {
        MessageBufferPacker p = packer();
        p.packMapHeader(6);
        p.packString("Future")
                .packMapHeader(2)
                .packString("a")
                .packArrayHeader(3)
                .packInt(1)
                .packNil()
                .packDouble(1.5);
        p.packString("b").packBinaryHeader(3).writePayload(new byte[3]);
        p.packString("seqno").packInt(99); // wrong case: unknown
        p.packString("SeqNo").packInt(7);
        p.packString("Payload").packRawStringHeader(2).writePayload("ok".getBytes(StandardCharsets.UTF_8));
        p.packString("AVeryLongKeyThatIsNotAFieldAtAll").packString("x");
        p.packString("SeqNo ").packInt(1);
        AckResp a = decode(AckResp.class, p.toByteArray());
        assertThat(a.seqNo()).isEqualTo(7);
        assertThat(a.payload()).isEqualTo("ok".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void boolAcceptsZeroAndOne() throws IOException, DecodeException {
        assertThat(decode(PushPullHeader.class, map("Join", 1L)).join()).isTrue();
        assertThat(decode(PushPullHeader.class, map("Join", 0L)).join()).isFalse();
        assertRejected(PushPullHeader.class, map("Join", 2L), "bool");
    }

    @Test
    void wrongTypesAreDecodeExceptions() throws IOException {
        MessageBufferPacker p = packer();
        p.packMapHeader(1).packString("SeqNo").packString("7");
        assertRejected(NackResp.class, p.toByteArray(), "");
        MessageBufferPacker q = packer();
        q.packMapHeader(1).packString("Node").packInt(7);
        assertRejected(Suspect.class, q.toByteArray(), "string");
        MessageBufferPacker r = packer();
        r.packArrayHeader(1).packInt(7);
        assertRejected(NackResp.class, r.toByteArray(), "map");
        MessageBufferPacker s = packer();
        s.packMapHeader(1).packInt(1).packInt(7);
        assertRejected(NackResp.class, s.toByteArray(), "");
        assertRejected(NackResp.class, new byte[0], "truncated");
        assertRejected(NackResp.class, new byte[] {(byte) 0xc1}, "");
    }

    @Test
    void trailingBytesIgnoredAndOffsetsHonoured() throws DecodeException {
        byte[] msg = MessageCodec.encode(new Suspect(3, "a", "b"));
        byte[] padded = new byte[msg.length + 9];
        System.arraycopy(msg, 0, padded, 4, msg.length);
        padded[4 + msg.length] = (byte) 0xc1;
        assertThat(MessageCodec.decode(Suspect.class, padded, 5, msg.length - 1 + 5))
                .isEqualTo(new Suspect(3, "a", "b"));
    }

    @Test
    void encodeRejectsValuesGoCannotHold() {
        assertThatThrownBy(() -> MessageCodec.encode(new NackResp(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageCodec.encode(new NackResp(1L << 32)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageCodec.encode(new Alive(1, "n", IP, 65536, null, VSN)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(MessageCodec.encode(new NackResp(0xffff_ffffL))).endsWith(0xce, 0xff, 0xff, 0xff, 0xff);
    }

    @Test
    void nullStringsEncodeAsEmpty() throws DecodeException {
        byte[] b = MessageCodec.encode(new Dead(1, null, null));
        assertThat(MessageCodec.decode(Dead.class, b, 1, b.length - 1)).isEqualTo(new Dead(1, "", ""));
    }

    @Test
    void randomRoundTrips() throws DecodeException {
        Random rnd = new Random(99);
        for (int i = 0; i < 300; i++) {
            List<Message> msgs = List.of(
                    new Ping(u32(rnd), name(rnd), bytes(rnd), rnd.nextInt(65536), name(rnd)),
                    new IndirectPingReq(
                            u32(rnd),
                            bytes(rnd),
                            rnd.nextInt(65536),
                            name(rnd),
                            rnd.nextBoolean(),
                            bytes(rnd),
                            rnd.nextInt(65536),
                            name(rnd)),
                    new AckResp(u32(rnd), bytes(rnd)),
                    new NackResp(u32(rnd)),
                    new ErrResp(name(rnd)),
                    new Suspect(u32(rnd), name(rnd), name(rnd)),
                    new Alive(u32(rnd), name(rnd), bytes(rnd), rnd.nextInt(65536), bytes(rnd), bytes(rnd)),
                    new Dead(u32(rnd), name(rnd), name(rnd)),
                    new PushPullHeader(rnd.nextInt(), rnd.nextInt(), rnd.nextBoolean()),
                    new UserMsgHeader(rnd.nextInt()),
                    new PushNodeState(
                            name(rnd),
                            bytes(rnd),
                            rnd.nextInt(65536),
                            bytes(rnd),
                            u32(rnd),
                            rnd.nextInt(4),
                            bytes(rnd)),
                    new Compress(rnd.nextInt(256), bytes(rnd)));
            for (Message m : msgs) {
                byte[] body = MessageCodec.encodeBody(m);
                Message back = MessageCodec.decode(m.getClass(), body, 0, body.length);
                Message expected = omitEmpty(m);
                // byte[] compared whole: element-wise recursive comparison of 64 KiB arrays is very slow.
                assertThat(back)
                        .usingRecursiveComparison()
                        .withEqualsForType(Arrays::equals, byte[].class)
                        .isEqualTo(expected);
                assertThat(MessageCodec.encodeBody(back)).isEqualTo(body);
                // Never str8 or bin: scan the value headers by re-reading with a strict walk.
                assertThat(LegacyRaw.onlyLegacyRaw(body)).as("%s", m).isTrue();
            }
        }
    }

    /** Go drops omitempty fields, so an empty source address comes back as nil. */
    private static Message omitEmpty(Message m) {
        if (m instanceof Ping p && p.sourceAddr() != null && p.sourceAddr().length == 0) {
            return new Ping(p.seqNo(), p.node(), null, p.sourcePort(), p.sourceNode());
        }
        if (m instanceof IndirectPingReq p && p.sourceAddr() != null && p.sourceAddr().length == 0) {
            return new IndirectPingReq(
                    p.seqNo(), p.target(), p.port(), p.node(), p.nack(), null, p.sourcePort(), p.sourceNode());
        }
        return m;
    }

    @Test
    void pushPullRoundTripAndLimits() throws DecodeException, IOException {
        List<PushNodeState> nodes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            nodes.add(new PushNodeState("node-" + i, IP, 7946 + i, i % 2 == 0 ? null : new byte[i], i, i % 4, VSN));
        }
        byte[] user = "state".getBytes(StandardCharsets.UTF_8);
        byte[] wire = MessageCodec.encodePushPull(new PushPull(false, nodes, user));
        PushPull back = MessageCodec.decodePushPull(wire, 1, wire.length - 1);
        assertThat(back.join()).isFalse();
        assertThat(back.nodes()).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(nodes);
        assertThat(back.userState()).isEqualTo(user);
        assertThat(StreamFramer.frameLength(wire, 0, wire.length)).isEqualTo(wire.length);

        // No user state: header says 0, and it comes back as null like Go's nil.
        for (byte[] none : new byte[][] {null, new byte[0]}) {
            byte[] w = MessageCodec.encodePushPull(new PushPull(true, List.of(), none));
            assertThat(GoVectors.HEX.formatHex(w))
                    .isEqualTo("0683a44a6f696ec3a54e6f64657300ac5573657253746174654c656e00");
            assertThat(MessageCodec.decodePushPull(w, 1, w.length - 1).userState())
                    .isNull();
        }

        assertPushPullRejected(header(Limits.MAX_PUSH_STATE_NODES + 1L, 0), "nodes");
        assertPushPullRejected(header(-1, 0), "nodes");
        assertPushPullRejected(header(0, Limits.MAX_PUSH_STATE_BYTES + 1L), "user state");
        assertPushPullRejected(header(0, -1), "user state");
        assertPushPullRejected(header(2, 0), "truncated");
        byte[] shortUser = concat(header(0, 10), new byte[9]);
        assertPushPullRejected(shortUser, "user state");
        // At the limits with nothing behind them: rejected as truncated, nothing allocated for them.
        assertPushPullRejected(header(Limits.MAX_PUSH_STATE_NODES, 0), "truncated");
        assertPushPullRejected(header(0, Limits.MAX_PUSH_STATE_BYTES), "user state");
    }

    @Test
    void userMsgStreamLimits() throws IOException, DecodeException {
        byte[] empty = MessageCodec.encodeUserMsgStream(new byte[0]);
        assertThat(MessageCodec.decodeUserMsgStream(empty, 1, empty.length - 1)).isEmpty();
        byte[] over = map("UserMsgLen", Limits.MAX_USER_MSG_BYTES + 1L);
        assertThatThrownBy(() -> MessageCodec.decodeUserMsgStream(over, 0, over.length))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("length");
        byte[] negative = map("UserMsgLen", -5L);
        assertThatThrownBy(() -> MessageCodec.decodeUserMsgStream(negative, 0, negative.length))
                .isInstanceOf(DecodeException.class);
        byte[] truncated = concat(map("UserMsgLen", 10L), new byte[9]);
        assertThatThrownBy(() -> MessageCodec.decodeUserMsgStream(truncated, 0, truncated.length))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("user message");
    }

    private static void assertPushPullRejected(byte[] b, String message) {
        assertThatThrownBy(() -> MessageCodec.decodePushPull(b, 0, b.length))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(message);
    }

    private static byte[] header(long nodes, long userStateLen) throws IOException {
        MessageBufferPacker p = packer();
        p.packMapHeader(3).packString("Join").packBoolean(true);
        p.packString("Nodes").packLong(nodes);
        p.packString("UserStateLen").packLong(userStateLen);
        return p.toByteArray();
    }

    private static byte[] map(String key, long value) throws IOException {
        MessageBufferPacker p = packer();
        p.packMapHeader(1).packString(key).packLong(value);
        return p.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static <T extends Message> void assertRejected(Class<T> type, byte[] b, String message) {
        assertThatThrownBy(() -> decode(type, b))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(message);
    }

    private static long u32(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(128);
            case 1 -> rnd.nextInt(65536);
            case 2 -> 0xffff_ffffL;
            default -> rnd.nextLong() & 0xffff_ffffL;
        };
    }

    private static String name(Random rnd) {
        int n =
                switch (rnd.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> rnd.nextInt(32);
                    case 2 -> 32 + rnd.nextInt(300);
                    default -> rnd.nextInt(70000);
                };
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + rnd.nextInt(26)));
        }
        if (n > 0 && rnd.nextInt(5) == 0) {
            sb.append("ünï");
        }
        return sb.toString();
    }

    private static byte[] bytes(Random rnd) {
        if (rnd.nextInt(5) == 0) {
            return null;
        }
        byte[] b = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(70000) : rnd.nextInt(40)];
        rnd.nextBytes(b);
        return b;
    }
}
