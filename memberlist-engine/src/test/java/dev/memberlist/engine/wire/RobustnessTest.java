package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.memberlist.engine.security.Security;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input for every decoder: truncations at every length, every single-bit flip, and
 * thousands of seeded random arrays. Only a result or a {@link DecodeException} may come out,
 * promptly.
 */
class RobustnessTest {
    private static final byte[] IP = {10, 0, 0, 1};
    private static final byte[] VSN = {1, 5, 2, 0, 0, 0};
    private static final byte[] KEY = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int RANDOM_INPUTS = 3000;

    /** A decoder under test; {@code in} is what would follow the type byte (or the whole thing). */
    @FunctionalInterface
    interface Decoder {
        Object decode(byte[] in) throws DecodeException;
    }

    private record Case(String name, Decoder decoder, byte[] valid) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static byte[] body(byte[] msg) {
        return java.util.Arrays.copyOfRange(msg, 1, msg.length);
    }

    private static Decoder typed(Class<? extends Message> type) {
        return in -> MessageCodec.decode(type, in, 0, in.length);
    }

    static Stream<Arguments> cases() {
        List<PushNodeState> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(new PushNodeState("node-" + i, IP, 7946, "meta".getBytes(StandardCharsets.UTF_8), i, i, VSN));
        }
        byte[] pushPull =
                MessageCodec.encodePushPull(new PushPull(true, nodes, "user-state".getBytes(StandardCharsets.UTF_8)));
        byte[] alive =
                MessageCodec.encode(new Alive(7, "node-a", IP, 7946, "zone=a".getBytes(StandardCharsets.UTF_8), VSN));
        byte[] compressed = Compression.compressPayload(alive);
        List<Case> cases = List.of(
                new Case("ping", typed(Ping.class), body(MessageCodec.encode(new Ping(1, "n2", IP, 7946, "n1")))),
                new Case(
                        "indirectPing",
                        typed(IndirectPingReq.class),
                        body(MessageCodec.encode(new IndirectPingReq(5, IP, 7946, "n3", true, IP, 7946, "n1")))),
                new Case("ack", typed(AckResp.class), body(MessageCodec.encode(new AckResp(5, new byte[] {1, 2, 3})))),
                new Case("nack", typed(NackResp.class), body(MessageCodec.encode(new NackResp(70000)))),
                new Case("err", typed(ErrResp.class), body(MessageCodec.encode(new ErrResp("boom")))),
                new Case("suspect", typed(Suspect.class), body(MessageCodec.encode(new Suspect(2, "n3", "n1")))),
                new Case("alive", typed(Alive.class), body(alive)),
                new Case("dead", typed(Dead.class), body(MessageCodec.encode(new Dead(2, "n3", "n3")))),
                new Case(
                        "pushPullHeader",
                        typed(PushPullHeader.class),
                        body(MessageCodec.encode(new PushPullHeader(3, 200, true)))),
                new Case(
                        "userMsgHeader", typed(UserMsgHeader.class), body(MessageCodec.encode(new UserMsgHeader(200)))),
                new Case("pushNodeState", typed(PushNodeState.class), MessageCodec.encodeBody(nodes.get(0))),
                new Case("compress", typed(Compress.class), body(compressed)),
                new Case("decodePushPull", in -> MessageCodec.decodePushPull(in, 0, in.length), body(pushPull)),
                new Case(
                        "decodeUserMsgStream",
                        in -> MessageCodec.decodeUserMsgStream(in, 0, in.length),
                        body(MessageCodec.encodeUserMsgStream("hello".getBytes(StandardCharsets.UTF_8)))),
                new Case(
                        "compound",
                        in -> Compound.decodeCompoundMessage(in, 0, in.length),
                        body(Compound.makeCompoundMessage(List.of(alive, body(alive), new byte[0])))),
                new Case("decompressPayload", in -> Compression.decompressPayload(in, 0, in.length), body(compressed)),
                new Case("lzw", in -> Lzw.decompress(in, 0, in.length, 1 << 20), Lzw.compress(alive)),
                new Case("label", Label::removeLabelHeaderFromPacket, Label.addLabelHeaderToPacket(alive, "lbl")),
                new Case("crc", in -> Crc.hasCrc(in) && Crc.verify(in), Crc.addCrc(alive)),
                new Case(
                        "decryptV1",
                        in -> Security.decryptPayload(List.of(KEY), in, null),
                        Security.encryptPayload(1, KEY, alive, null)),
                new Case(
                        "decryptV0",
                        in -> Security.decryptPayload(List.of(KEY), in, new byte[] {1}),
                        Security.encryptPayload(0, KEY, alive, new byte[] {1})),
                new Case("frameLength(push-pull)", in -> StreamFramer.frameLength(in, 0, in.length), pushPull),
                new Case("frameLength(compressed)", in -> StreamFramer.frameLength(in, 0, in.length), compressed),
                new Case(
                        "frameLength(encrypted)",
                        in -> StreamFramer.frameLength(in, 0, in.length),
                        StreamFramerTest.encrypted(compressed)),
                new Case(
                        "frameLength(user)",
                        in -> StreamFramer.frameLength(in, 0, in.length),
                        MessageCodec.encodeUserMsgStream(new byte[40])),
                new Case(
                        "frameLength(ping)",
                        in -> StreamFramer.frameLength(in, 0, in.length),
                        MessageCodec.encode(new Ping(1, "n2", IP, 7946, "n1"))));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validInputDecodes(Case c) throws DecodeException {
        assertThat(c.decoder().decode(c.valid())).isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void truncationsAtEveryLength(Case c) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int n = 0; n < c.valid().length; n++) {
                survive(c, java.util.Arrays.copyOf(c.valid(), n));
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyBitFlip(Case c) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < c.valid().length * 8; i++) {
                byte[] b = c.valid().clone();
                b[i / 8] ^= (byte) (1 << (i % 8));
                survive(c, b);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void randomBytes(Case c) {
        Random rnd = new Random(c.name().hashCode());
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < RANDOM_INPUTS; i++) {
                byte[] b = new byte[rnd.nextInt(i % 10 == 0 ? 2000 : 64)];
                rnd.nextBytes(b);
                if (b.length > 0 && rnd.nextBoolean()) {
                    // Keep the valid input's first bytes so the decoder gets past its first check.
                    int keep = Math.min(b.length, 1 + rnd.nextInt(Math.min(8, c.valid().length)));
                    System.arraycopy(c.valid(), 0, b, 0, keep);
                }
                survive(c, b);
            }
        });
    }

    /** Declared lengths far beyond the input are refused without allocating for them. */
    @Test
    void hugeDeclaredLengthsAllocateNothing() {
        byte[][] hostile = {
            GoVectors.HEX.parseHex("81a44e6f6465db7fffffff6e6e"), // Node: str32 of 2 GiB
            GoVectors.HEX.parseHex("81a44e6f6465dbffffffff6e6e"), // Node: str32 of 4 GiB
            GoVectors.HEX.parseHex("81a441646472c67ffffff0"), // Addr: bin32 of 2 GiB
            GoVectors.HEX.parseHex("df7fffffffa44e6f6465a16e"), // map32 of 2^31-1 entries
            GoVectors.HEX.parseHex("81a15adf7fffffff"), // unknown key with a huge map value
            GoVectors.HEX.parseHex("81a15add7fffffff01"), // unknown key with a huge array value
            GoVectors.HEX.parseHex("81a15ac97ffffff001"), // unknown key with a huge ext value
        };
        long before = allocated();
        for (byte[] h : hostile) {
            for (Class<? extends Message> t : List.of(Ping.class, Alive.class, PushNodeState.class)) {
                survive(new Case(t.getSimpleName(), typed(t), h), h);
            }
        }
        byte[] pp = GoVectors.HEX.parseHex("83a44a6f696ec3a54e6f646573ce00100000ac5573657253746174654c656ece01400000");
        survive(new Case("pushPull", in -> MessageCodec.decodePushPull(in, 0, in.length), pp), pp);
        byte[] um = GoVectors.HEX.parseHex("81aa557365724d73674c656ece01400000");
        survive(new Case("userMsg", in -> MessageCodec.decodeUserMsgStream(in, 0, in.length), um), um);
        byte[] comp = GoVectors.HEX.parseHex("ff0102");
        survive(new Case("compound", in -> Compound.decodeCompoundMessage(in, 0, in.length), comp), comp);
        assertThat(allocated() - before).isLessThan(8L << 20);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static void survive(Case c, byte[] in) {
        try {
            c.decoder().decode(in);
        } catch (DecodeException expected) {
            // the only failure allowed
        } catch (Throwable t) {
            throw new AssertionError(c.name() + " threw " + t + " on " + GoVectors.HEX.formatHex(in), t);
        }
    }
}
