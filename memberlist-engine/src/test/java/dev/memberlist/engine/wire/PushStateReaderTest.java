package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The push-pull's node states read without msgpack-core give exactly what the full decoder gives,
 * or give up and leave the stream to it: on every format Go's encoders use, on mutated streams,
 * and on shapes only the full decoder reads.
 */
class PushStateReaderTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void readsWhatTheEncoderWritesAsTheDecoderDoes() {
        Random random = new Random(11);
        List<PushNodeState> states = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            states.add(randomState(random, i));
        }
        byte[] wire = MessageCodec.encodePushPull(new PushPull(true, states, new byte[] {9, 8}));
        List<PushNodeState> fast = new ArrayList<>();
        int header = headerLength(wire);
        int end = PushStateReader.read(wire, header, wire.length, states.size(), fast);
        assertThat(end).isEqualTo(wire.length - 2);
        assertThat(fast).hasSize(states.size());
        for (int i = 0; i < states.size(); i++) {
            assertSame(fast.get(i), states.get(i));
        }
        PushPull back = decodePushPull(wire);
        assertThat(back.userState()).containsExactly(9, 8);
        assertThat(back.nodes()).hasSize(states.size());
    }

    @Test
    void readsTheFormatsOfNewerEncodersAndNil() {
        // go-msgpack v2 writes unsigned values above 127 as signed ints (d1/d2/d3) and []byte as bin
        byte[] entry = new HandMsgpack()
                .map(7)
                .key("Name")
                .str("n-7")
                .key("Incarnation")
                .raw(0xd2, 0, 1, 0, 0) // int32 65536
                .key("Addr")
                .raw(0xc4, 4, 10, 0, 0, 7) // bin8
                .key("Port")
                .raw(0xd1, 0x1f, 0x0a) // int16 7946
                .key("Meta")
                .raw(0xc0) // nil
                .key("State")
                .raw(0xd0, 2) // int8 2
                .key("Vsn")
                .raw(0xda, 0, 6, 1, 5, 2, 0, 0, 0) // str16
                .bytes();
        List<PushNodeState> fast = new ArrayList<>();
        assertThat(PushStateReader.read(entry, 0, entry.length, 1, fast)).isEqualTo(entry.length);
        assertSame(fast.get(0), slow(entry, 1).get(0));
        assertThat(fast.get(0).meta()).isNull();
        assertThat(fast.get(0).incarnation()).isEqualTo(65536);
        assertThat(fast.get(0).port()).isEqualTo(7946);
    }

    @Test
    void leavesWhatOnlyTheFullDecoderReadsToIt() {
        PushNodeState plain = new PushNodeState("a", new byte[] {127, 0, 0, 1}, 7946, null, 1, 0, null);
        // an unknown key, a nil name, a negative state
        for (HandMsgpack odd : List.of(
                new HandMsgpack().map(2).key("Name").str("b").key("Other").str("x"),
                new HandMsgpack().map(1).key("Name").raw(0xc0),
                new HandMsgpack().map(2).key("Name").str("c").key("State").raw(0xff))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] header = MessageCodec.encodePushPull(new PushPull(false, List.of(plain, plain), null));
            // the header says two states: the plain one, then the odd one
            out.write(header, 0, header.length - MessageCodec.encodeBody(plain).length);
            out.writeBytes(odd.bytes());
            byte[] wire = out.toByteArray();
            List<PushNodeState> fast = new ArrayList<>();
            assertThat(PushStateReader.read(wire, headerLength(wire), wire.length, 2, fast))
                    .isEqualTo(-1);
            PushPull back = decodePushPull(wire);
            List<PushNodeState> expected = slow(wire, headerLength(wire), 2);
            assertThat(back.nodes()).hasSize(2);
            for (int i = 0; i < 2; i++) {
                assertSame(back.nodes().get(i), expected.get(i));
            }
        }
    }

    @Test
    void aMutatedStreamGivesUpOrTheDecodersAnswer() {
        List<PushNodeState> states = List.of(
                new PushNodeState(
                        "node-a", new byte[] {127, 0, 0, 1}, 7946, new byte[0], 300, 0, new byte[] {1, 5, 2, 2, 5, 4}),
                new PushNodeState("node-b", new byte[] {10, 0, 0, 2}, 65535, new byte[] {1, 2}, 70_000, 2, null));
        byte[] good = MessageCodec.encodePushPull(new PushPull(false, states, null));
        int header = headerLength(good);
        Random random = new Random(5);
        int read = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] m = good.clone();
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                m[header + random.nextInt(m.length - header)] = (byte) random.nextInt(256);
            }
            List<PushNodeState> fast = new ArrayList<>();
            if (PushStateReader.read(m, header, m.length, 2, fast) < 0) {
                continue;
            }
            read++;
            List<PushNodeState> decoded;
            try {
                decoded = slow(m, header, 2);
            } catch (AssertionError e) {
                throw new AssertionError("read a stream the decoder refuses: " + HEX.formatHex(m), e);
            }
            for (int j = 0; j < 2; j++) {
                assertSame(fast.get(j), decoded.get(j));
            }
        }
        assertThat(read).isPositive();
    }

    private static PushNodeState randomState(Random r, int i) {
        byte[] addr = new byte[r.nextBoolean() ? 4 : 16];
        r.nextBytes(addr);
        byte[] meta =
                switch (r.nextInt(3)) {
                    case 0 -> null;
                    case 1 -> new byte[0];
                    default -> new byte[r.nextInt(300)];
                };
        byte[] vsn = r.nextInt(4) == 0 ? null : new byte[] {1, 5, 2, 2, 5, 4};
        String name = "node-" + i + (r.nextInt(10) == 0 ? "-" + "x".repeat(70) : "");
        long incarnation = r.nextBoolean() ? r.nextInt(128) : r.nextLong() & 0xffff_ffffL;
        return new PushNodeState(name, addr, r.nextInt(65536), meta, incarnation, r.nextInt(4), vsn);
    }

    /** Where the node states begin: after the type byte and the header map. */
    private static int headerLength(byte[] wire) {
        MsgReader r = MsgReader.acquire(wire, 1, wire.length - 1);
        try {
            MessageCodec.read(PushPullHeader.class, r);
            return 1 + r.position();
        } catch (DecodeException e) {
            throw new AssertionError(e);
        } finally {
            r.release();
        }
    }

    private static PushPull decodePushPull(byte[] wire) {
        try {
            return MessageCodec.decodePushPull(wire, 1, wire.length - 1);
        } catch (DecodeException e) {
            throw new AssertionError(e);
        }
    }

    private static List<PushNodeState> slow(byte[] buf, int count) {
        return slow(buf, 0, count);
    }

    /** The full decoder's reading of {@code count} node states from {@code off}. */
    private static List<PushNodeState> slow(byte[] buf, int off, int count) {
        MsgReader r = MsgReader.acquire(buf, off, buf.length - off);
        try {
            List<PushNodeState> out = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                out.add((PushNodeState) MessageCodec.read(PushNodeState.class, r));
            }
            return out;
        } catch (DecodeException e) {
            throw new AssertionError(e);
        } finally {
            r.release();
        }
    }

    /** Field by field, arrays by their contents (null apart from empty). */
    private static void assertSame(PushNodeState a, PushNodeState b) {
        assertThat(a).usingRecursiveComparison().isEqualTo(b);
    }
}
