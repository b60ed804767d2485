package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The in-place reading of alive messages gives exactly what the full decoder gives, or nothing:
 * on Go's own bytes, on every msgpack format Go's encoders use, and on mutated messages.
 */
class AliveViewTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void readsEveryAliveMessageGoWritesAsTheDecoderDoes() {
        int seen = 0;
        for (Map<String, JsonNode> vectors : java.util.List.of(GoVectors.all(), GoVectors.newer())) {
            for (JsonNode v : vectors.values()) {
                byte[] msg = GoVectors.hex(v, "hex");
                if (!v.get("kind").asString().equals("message") || msg.length == 0 || msg[0] != 4) {
                    continue;
                }
                AliveView view = AliveView.read(msg, 1, msg.length - 1);
                assertThat(view).as(v.get("name").asString()).isNotNull();
                assertSame(view.toAlive(), decode(msg, 1, msg.length - 1));
                seen++;
            }
        }
        assertThat(seen).isGreaterThanOrEqualTo(2);
    }

    @Test
    void readsTheFormatsOfNewerEncodersAndNil() {
        // go-msgpack v2 writes unsigned values above 127 as signed ints (d1/d2/d3) and []byte as bin
        byte[] msg = new HandMsgpack()
                .map(6)
                .key("Incarnation")
                .raw(0xd2, 0, 1, 0, 0) // int32 65536
                .key("Node")
                .str("n-7")
                .key("Addr")
                .raw(0xc4, 4, 10, 0, 0, 7) // bin8
                .key("Port")
                .raw(0xd1, 0x1f, 0x0a) // int16 7946
                .key("Meta")
                .raw(0xc0) // nil
                .key("Vsn")
                .raw(0xc0)
                .bytes();
        AliveView view = AliveView.read(msg, 0, msg.length);
        assertThat(view).isNotNull();
        assertThat(view.incarnation()).isEqualTo(65536);
        assertThat(view.node()).isEqualTo("n-7");
        assertThat(view.port()).isEqualTo(7946);
        assertThat(view.addrEquals(new byte[] {10, 0, 0, 7})).isTrue();
        assertThat(view.addrEquals(new byte[] {10, 0, 0, 8})).isFalse();
        assertThat(view.vsnLength()).isZero();
        assertSame(view.toAlive(), decode(msg, 0, msg.length));
    }

    @Test
    void theAddressKeyTellsAddressesAndPortsApart() {
        byte[] a = {10, 0, 0, 7};
        long key = AliveView.addressKey(a, 0, 4, 7946);
        assertThat(key).isNotEqualTo(-1);
        assertThat(AliveView.addressKey(new byte[] {10, 0, 0, 8}, 0, 4, 7946)).isNotEqualTo(key);
        assertThat(AliveView.addressKey(new byte[] {11, 0, 0, 7}, 0, 4, 7946)).isNotEqualTo(key);
        assertThat(AliveView.addressKey(a, 0, 4, 7947)).isNotEqualTo(key);
        assertThat(AliveView.addressKey(new byte[] {(byte) 255, (byte) 255, (byte) 255, (byte) 255}, 0, 4, 65535))
                .isNotEqualTo(-1);
        // only IPv4 has a key; the view's is the one of its address and port
        assertThat(AliveView.addressKey(new byte[16], 0, 16, 7946)).isEqualTo(-1);
        byte[] msg = MessageCodec.encode(new Alive(3, "node-a", a, 7946, null, null));
        assertThat(AliveView.read(msg, 1, msg.length - 1).addressKey()).isEqualTo(key);
        byte[] six = MessageCodec.encode(new Alive(3, "node-a", new byte[16], 7946, null, null));
        assertThat(AliveView.read(six, 1, six.length - 1).addressKey()).isEqualTo(-1);
    }

    @Test
    void theReusedViewForgetsTheMessageBefore() {
        byte[] full = MessageCodec.encode(
                new Alive(3, "node-a", new byte[] {127, 0, 0, 1}, 7946, new byte[] {1}, new byte[] {1, 5, 2, 2, 5, 4}));
        byte[] bare = new HandMsgpack()
                .map(4)
                .key("Node")
                .str("n-2")
                .key("Incarnation")
                .raw(9)
                .key("Addr")
                .raw(0xc4, 4, 10, 0, 0, 2)
                .key("Port")
                .raw(7)
                .bytes();
        AliveView first = AliveView.reading(full, 1, full.length - 1);
        assertSame(first.toAlive(), decode(full, 1, full.length - 1));
        assertThat(first.nodeHash()).isEqualTo("node-a".hashCode());
        AliveView second = AliveView.reading(bare, 0, bare.length);
        assertThat(second).isSameAs(first);
        assertSame(second.toAlive(), decode(bare, 0, bare.length));
        assertThat(second.nodeHash()).isEqualTo("n-2".hashCode());
        assertThat(second.vsnLength()).isZero();
        assertThat(second.toAlive().meta()).isNull();
        // a message that gives no view leaves none behind
        assertThat(AliveView.reading(new byte[] {(byte) 0x81, (byte) 0xa1, 'x', 1}, 0, 4))
                .isNull();
        assertSame(AliveView.reading(bare, 0, bare.length).toAlive(), decode(bare, 0, bare.length));
    }

    @Test
    void givesNoViewForWhatOnlyTheFullDecoderShouldJudge() {
        byte[] good = MessageCodec.encode(
                new Alive(3, "node-a", new byte[] {127, 0, 0, 1}, 7946, new byte[] {1}, new byte[] {1, 5, 2, 2, 5, 4}));
        assertThat(AliveView.read(good, 1, good.length - 1)).isNotNull();
        // truncated anywhere
        for (int len = 0; len < good.length - 1; len++) {
            assertThat(AliveView.read(good, 1, len)).as("truncated to %d", len).isNull();
        }
        // nil instead of a struct, an unknown key, a negative incarnation, no address
        assertThat(AliveView.read(new byte[] {(byte) 0xc0}, 0, 1)).isNull();
        assertThat(view(new HandMsgpack().map(1).key("Other").str("x"))).isNull();
        assertThat(view(new HandMsgpack()
                        .map(2)
                        .key("Node")
                        .str("a")
                        .key("Incarnation")
                        .raw(0xff)))
                .isNull();
        assertThat(view(new HandMsgpack()
                        .map(3)
                        .key("Node")
                        .str("a")
                        .key("Incarnation")
                        .raw(1)
                        .key("Port")
                        .raw(1)))
                .isNull();
    }

    @Test
    void aMutatedMessageGivesNoViewOrTheDecodersAnswer() {
        byte[] good = MessageCodec.encode(
                new Alive(300, "node-a", new byte[] {127, 0, 0, 1}, 7946, new byte[0], new byte[] {1, 5, 2, 2, 5, 4}));
        Random random = new Random(7);
        int views = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] m = good.clone();
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                m[1 + random.nextInt(m.length - 1)] = (byte) random.nextInt(256);
            }
            AliveView view = AliveView.read(m, 1, m.length - 1);
            if (view == null) {
                continue;
            }
            views++;
            Alive decoded;
            try {
                decoded = decode(m, 1, m.length - 1);
            } catch (AssertionError e) {
                throw new AssertionError("view of a message the decoder refuses: " + HEX.formatHex(m), e);
            }
            assertSame(view.toAlive(), decoded);
        }
        assertThat(views).isPositive();
    }

    private static AliveView view(HandMsgpack m) {
        byte[] msg = m.bytes();
        return AliveView.read(msg, 0, msg.length);
    }

    private static Alive decode(byte[] buf, int off, int len) {
        try {
            return MessageCodec.decode(Alive.class, buf, off, len);
        } catch (DecodeException e) {
            throw new AssertionError(e);
        }
    }

    /** Field by field, arrays by their contents (null apart from empty). */
    private static void assertSame(Alive a, Alive b) {
        assertThat(a).usingRecursiveComparison().isEqualTo(b);
    }
}
