package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.memberlist.engine.security.Security;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class StreamFramerTest {
    private static final byte[] IP = {10, 0, 0, 1};
    private static final byte[] VSN = {1, 5, 2, 0, 0, 0};
    private static final byte[] KEY = new byte[16];

    private static List<byte[]> samples() {
        List<PushNodeState> nodes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            nodes.add(new PushNodeState("n" + i, IP, 7946, new byte[i * 3], i, i % 4, VSN));
        }
        byte[] pushPull =
                MessageCodec.encodePushPull(new PushPull(true, nodes, "user".getBytes(StandardCharsets.UTF_8)));
        byte[] compressed = Compression.compressPayload(pushPull);
        return List.of(
                MessageCodec.encode(new Ping(9, "target", IP, 7946, "me")),
                MessageCodec.encode(new AckResp(9, null)),
                MessageCodec.encode(new AckResp(9, new byte[300])),
                MessageCodec.encode(new ErrResp("remote error")),
                pushPull,
                MessageCodec.encodePushPull(new PushPull(false, List.of(), null)),
                MessageCodec.encodeUserMsgStream("hi there".getBytes(StandardCharsets.UTF_8)),
                MessageCodec.encodeUserMsgStream(new byte[0]),
                compressed,
                encrypted(compressed),
                encrypted(pushPull));
    }

    /** Go's encryptLocalState: {@code [10][len BE]} then the ciphertext, sealed with the header as AAD. */
    static byte[] encrypted(byte[] msg) {
        int encLen = Security.encryptedLength(1, msg.length);
        byte[] header = {10, (byte) (encLen >>> 24), (byte) (encLen >>> 16), (byte) (encLen >>> 8), (byte) encLen};
        byte[] ct = Security.encryptPayload(1, KEY, msg, header);
        byte[] out = Arrays.copyOf(header, 5 + ct.length);
        System.arraycopy(ct, 0, out, 5, ct.length);
        return out;
    }

    @Test
    void findsEachWholeMessageOneByteAtATime() throws DecodeException {
        for (byte[] msg : samples()) {
            for (int n = 0; n < msg.length; n++) {
                assertThat(StreamFramer.frameLength(msg, 0, n))
                        .as("type %d, %d bytes", msg[0], n)
                        .isEqualTo(-1);
            }
            assertThat(StreamFramer.frameLength(msg, 0, msg.length)).isEqualTo(msg.length);
        }
    }

    @Test
    void backToBackMessagesAndOffsets() throws DecodeException {
        List<byte[]> all = samples();
        int total = all.stream().mapToInt(b -> b.length).sum();
        byte[] stream = new byte[3 + total];
        int p = 3;
        for (byte[] m : all) {
            System.arraycopy(m, 0, stream, p, m.length);
            p += m.length;
        }
        p = 3;
        for (byte[] m : all) {
            assertThat(StreamFramer.frameLength(stream, p, stream.length - p)).isEqualTo(m.length);
            p += m.length;
        }
    }

    @Test
    void rejectsTypesThatCannotStartAStreamMessage() throws DecodeException {
        Set<Integer> valid = Set.of(0, 2, 6, 8, 9, 10, 13);
        for (int t = 0; t < 256; t++) {
            byte[] one = {(byte) t};
            if (valid.contains(t)) {
                assertThat(StreamFramer.frameLength(one, 0, 1)).isEqualTo(-1);
            } else {
                assertThatThrownBy(() -> StreamFramer.frameLength(one, 0, 1))
                        .as("type %d", t)
                        .isInstanceOf(DecodeException.class);
            }
        }
        assertThat(StreamFramer.frameLength(new byte[0], 0, 0)).isEqualTo(-1);
    }

    @Test
    void overLimitLengthsFailBeforeTheBytesArrive() throws IOException, DecodeException {
        int max = Limits.MAX_PUSH_STATE_BYTES;
        byte[] atMax = {10, (byte) (max >>> 24), (byte) (max >>> 16), (byte) (max >>> 8), (byte) max};
        assertThat(StreamFramer.frameLength(atMax, 0, 5)).isEqualTo(-1);
        byte[] over = {10, (byte) (max >>> 24), (byte) (max >>> 16), (byte) (max >>> 8), (byte) (max + 1)};
        assertRejected(over, "limit");
        assertRejected(new byte[] {10, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, "limit");

        assertRejected(withType(6, pushPullHeader(Limits.MAX_PUSH_STATE_NODES + 1L, 0)), "nodes");
        assertRejected(withType(6, pushPullHeader(0, Limits.MAX_PUSH_STATE_BYTES + 1L)), "user state");
        assertRejected(withType(6, pushPullHeader(-1, 0)), "nodes");
        byte[] bigButLegal = withType(6, pushPullHeader(Limits.MAX_PUSH_STATE_NODES, Limits.MAX_PUSH_STATE_BYTES));
        assertThat(StreamFramer.frameLength(bigButLegal, 0, bigButLegal.length)).isEqualTo(-1);

        MessageBufferPacker u = MessagePack.newDefaultBufferPacker();
        u.packMapHeader(1).packString("UserMsgLen").packLong(Limits.MAX_USER_MSG_BYTES + 1L);
        assertRejected(withType(8, u.toByteArray()), "user message");

        // A compress map whose Buf claims more than 40 MiB, str32 and bin32.
        byte[] header = GoVectors.HEX.parseHex("0982a4416c676f00a3427566db02800001");
        assertRejected(header, "limit");
        byte[] bin = GoVectors.HEX.parseHex("0982a4416c676f00a3427566c602800001");
        assertRejected(bin, "limit");
        byte[] legal = GoVectors.HEX.parseHex("0982a4416c676f00a3427566db02800000");
        assertThat(StreamFramer.frameLength(legal, 0, legal.length)).isEqualTo(-1);
    }

    @Test
    void malformedHeadersAreRejected() {
        assertRejected(GoVectors.HEX.parseHex("0681a54e6f646573a3626164"), "");
        assertRejected(GoVectors.HEX.parseHex("0881aa557365724d73674c656ec1"), "");
        assertRejected(GoVectors.HEX.parseHex("00c1"), "");
        assertRejected(GoVectors.HEX.parseHex("0992"), "map");
    }

    /** Big frames arriving in 16 KiB chunks: each call looks at the header only. */
    @Test
    void bigFramesAreNotRescanned() {
        byte[] user = new byte[Limits.MAX_PUSH_STATE_BYTES];
        byte[] plain = MessageCodec.encodePushPull(new PushPull(true, List.of(), user));
        byte[] compressed = Compression.compressPayload(new byte[30 << 20]);
        byte[] sealed = encrypted(new byte[Limits.MAX_PUSH_STATE_BYTES - 29]);
        byte[] userMsg = MessageCodec.encodeUserMsgStream(user);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (byte[] frame : List.of(plain, compressed, sealed, userMsg)) {
                int calls = 0;
                for (int n = 0; n < frame.length; n += 16 * 1024) {
                    assertThat(StreamFramer.frameLength(frame, 0, n)).isEqualTo(-1);
                    calls++;
                }
                assertThat(StreamFramer.frameLength(frame, 0, frame.length)).isEqualTo(frame.length);
                assertThat(calls).isGreaterThan(0);
            }
        });
    }

    private static void assertRejected(byte[] b, String message) {
        assertThatThrownBy(() -> StreamFramer.frameLength(b, 0, b.length))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(message);
    }

    private static byte[] pushPullHeader(long nodes, long userStateLen) throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(3).packString("Join").packBoolean(false);
        p.packString("Nodes").packLong(nodes);
        p.packString("UserStateLen").packLong(userStateLen);
        return p.toByteArray();
    }

    private static byte[] withType(int type, byte[] body) {
        byte[] out = new byte[1 + body.length];
        out[0] = (byte) type;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }
}
