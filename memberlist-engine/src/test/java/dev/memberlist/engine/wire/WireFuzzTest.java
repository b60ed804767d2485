package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing (Jazzer) of every wire decoder: only a result or a
 * {@link DecodeException} may come out, every result respects {@link Limits} and the size of
 * the input, valid results survive a round trip, and the stream framer agrees with the
 * decoders. Each target reads either raw bytes or, steered by the fuzzer, a structured input
 * from {@link FuzzInputs} (msgpack with lying lengths, valid messages with fuzzed fields,
 * compressions and compounds of them).
 *
 * <h2>Regression (every build)</h2>
 *
 * Without {@code JAZZER_FUZZ}, {@code mvn test} replays each target's checked-in corpus,
 * {@code src/test/resources/dev/memberlist/engine/wire/WireFuzzTestInputs/<method>/}, in the
 * surefire execution {@code fuzz} (its own JVM, heap {@code -Xmx512m}).
 *
 * <h2>Fuzzing (the long run)</h2>
 *
 * One target per Maven run:
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -pl memberlist-engine test -Dtest='WireFuzzTest#decodePushPull' \
 *     -Djazzer.max_duration=2m -Djunit.jupiter.execution.timeout.mode=disabled
 * </pre>
 *
 * (Without the last flag JUnit applies {@link Timeout} to the whole fuzzing run; Jazzer still
 * passes it to libFuzzer per input.) libFuzzer's progress lines ({@code #n ... cov: ... exec/s})
 * go to the console. New coverage is kept in
 * {@code memberlist-engine/.cifuzz-corpus/} (ignored by git); a crashing input is written to the
 * target's directory under {@code src/test/resources}, where it becomes a regression case.
 *
 * <p>Every target in turn, each for a bounded time, with a summary of executions and coverage
 * per target in {@code memberlist-engine/target/fuzz/summary.md}:
 *
 * <pre>
 * memberlist-engine/fuzz.sh 60          # seconds per target; a second argument filters targets
 * memberlist-engine/fuzz.sh merge       # minimise what was found into the checked-in seeds
 * </pre>
 *
 * {@code bench-results/fuzz.md} has the last long run.
 *
 * <p>Per input, {@link Timeout} is the limit (Jazzer passes it to libFuzzer as {@code -timeout}
 * when fuzzing; JUnit applies it to each corpus input in regression mode).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WireFuzzTest {
    /** Just past the input, so that a read outside {@code [off, off + len)} shows. */
    private static final byte[] GUARD = {(byte) 0xdb, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};

    // ---- MessageCodec.decode, one target per message struct ---------------------------------

    @FuzzTest
    void ping(FuzzedDataProvider d) {
        decodes(Ping.class, 0, d);
    }

    @FuzzTest
    void indirectPing(FuzzedDataProvider d) {
        decodes(IndirectPingReq.class, 1, d);
    }

    @FuzzTest
    void ack(FuzzedDataProvider d) {
        decodes(AckResp.class, 2, d);
    }

    @FuzzTest
    void nack(FuzzedDataProvider d) {
        decodes(NackResp.class, 11, d);
    }

    @FuzzTest
    void err(FuzzedDataProvider d) {
        decodes(ErrResp.class, 13, d);
    }

    @FuzzTest
    void suspect(FuzzedDataProvider d) {
        decodes(Suspect.class, 3, d);
    }

    @FuzzTest
    void alive(FuzzedDataProvider d) {
        decodes(Alive.class, 4, d);
    }

    @FuzzTest
    void dead(FuzzedDataProvider d) {
        decodes(Dead.class, 5, d);
    }

    @FuzzTest
    void pushPullHeader(FuzzedDataProvider d) {
        decodes(PushPullHeader.class, 6, d);
    }

    @FuzzTest
    void userMsgHeader(FuzzedDataProvider d) {
        decodes(UserMsgHeader.class, 8, d);
    }

    @FuzzTest
    void pushNodeState(FuzzedDataProvider d) {
        decodes(PushNodeState.class, -1, d);
    }

    @FuzzTest
    void compress(FuzzedDataProvider d) {
        decodes(Compress.class, 9, d);
    }

    /**
     * Decodes one struct from raw or structured bytes, placed inside a larger buffer; checks that
     * no field is larger than the input and that the result re-encodes to something that decodes
     * to the same.
     */
    private static <T extends Message> void decodes(Class<T> type, int typeByte, FuzzedDataProvider d) {
        byte[] in = d.consumeBoolean()
                ? (d.consumeBoolean()
                        ? FuzzInputs.struct(d, FuzzInputs.keysFor(typeByte))
                        : MessageCodec.encodeBody(FuzzInputs.message(d)))
                : d.consumeRemainingAsBytes();
        T exact;
        try {
            exact = MessageCodec.decode(type, in, 0, in.length);
        } catch (DecodeException e) {
            exact = null;
        }
        T windowed;
        try {
            windowed = MessageCodec.decode(type, windowed(in), GUARD.length, in.length);
        } catch (DecodeException e) {
            windowed = null;
        }
        if (exact == null) {
            assertThat(windowed).as("decodes only inside a larger buffer").isNull();
            return;
        }
        assertThat(windowed).as("decodes only on its own").isNotNull();
        byte[] encoded = MessageCodec.encodeBody(exact);
        assertThat(MessageCodec.encodeBody(windowed)).isEqualTo(encoded);
        assertFieldsWithin(exact, in.length);
        T again;
        try {
            again = MessageCodec.decode(type, encoded, 0, encoded.length);
        } catch (DecodeException e) {
            throw new AssertionError("re-encoded " + exact + " does not decode", e);
        }
        assertThat(MessageCodec.encodeBody(again)).as("round trip").isEqualTo(encoded);
    }

    private static byte[] windowed(byte[] in) {
        byte[] buf = new byte[GUARD.length + in.length + GUARD.length];
        System.arraycopy(GUARD, 0, buf, 0, GUARD.length);
        System.arraycopy(in, 0, buf, GUARD.length, in.length);
        System.arraycopy(GUARD, 0, buf, GUARD.length + in.length, GUARD.length);
        return buf;
    }

    /** Every byte array and string of a decoded record is no longer than the input it came from. */
    static void assertFieldsWithin(Object record, int inputLength) {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            if (v instanceof byte[] b) {
                assertThat(b.length).as(c.getName()).isLessThanOrEqualTo(inputLength);
            } else if (v instanceof String s) {
                assertThat(s.length()).as(c.getName()).isLessThanOrEqualTo(inputLength);
            }
        }
    }

    // ---- whole stream messages ------------------------------------------------------------

    /**
     * The push-pull after type byte 6: at most {@link Limits#MAX_PUSH_STATE_NODES} nodes and
     * {@link Limits#MAX_PUSH_STATE_BYTES} of user state, never more than the input holds; and
     * when it decodes, the stream framer finds the same message.
     */
    @FuzzTest
    void decodePushPull(FuzzedDataProvider d) {
        byte[] in = d.consumeBoolean() ? FuzzInputs.pushPullBody(d) : d.consumeRemainingAsBytes();
        PushPull p;
        try {
            p = MessageCodec.decodePushPull(in, 0, in.length);
        } catch (DecodeException e) {
            p = null;
        }
        byte[] frame = FuzzInputs.concat(new byte[] {6}, in);
        int n = frameLengthOrFail(frame);
        if (p == null) {
            return;
        }
        assertThat(p.nodes().size()).isLessThanOrEqualTo(Limits.MAX_PUSH_STATE_NODES);
        assertThat(p.nodes().size()).isLessThanOrEqualTo(in.length);
        for (PushNodeState s : p.nodes()) {
            assertFieldsWithin(s, in.length);
        }
        if (p.userState() != null) {
            assertThat(p.userState().length).isLessThanOrEqualTo(Limits.MAX_PUSH_STATE_BYTES);
            assertThat(p.userState().length).isLessThanOrEqualTo(in.length);
        }
        assertThat(n).as("frame length of a decodable push-pull").isBetween(1, frame.length);
        PushPull framed;
        try {
            framed = MessageCodec.decodePushPull(frame, 1, n - 1);
        } catch (DecodeException e) {
            throw new AssertionError("the framed push-pull does not decode", e);
        }
        assertThat(MessageCodec.encodePushPull(framed)).isEqualTo(MessageCodec.encodePushPull(p));
    }

    /** The user message after type byte 8: at most {@link Limits#MAX_USER_MSG_BYTES}; the framer agrees. */
    @FuzzTest
    void decodeUserMsgStream(FuzzedDataProvider d) {
        byte[] in = d.consumeBoolean() ? FuzzInputs.userMsgBody(d) : d.consumeRemainingAsBytes();
        byte[] msg;
        try {
            msg = MessageCodec.decodeUserMsgStream(in, 0, in.length);
        } catch (DecodeException e) {
            msg = null;
        }
        byte[] frame = FuzzInputs.concat(new byte[] {8}, in);
        int n = frameLengthOrFail(frame);
        if (msg == null) {
            return;
        }
        assertThat(msg.length).isLessThanOrEqualTo(Math.min(in.length, Limits.MAX_USER_MSG_BYTES));
        assertThat(n).as("frame length of a decodable user message").isBetween(1, frame.length);
        try {
            assertThat(MessageCodec.decodeUserMsgStream(frame, 1, n - 1)).isEqualTo(msg);
        } catch (DecodeException e) {
            throw new AssertionError("the framed user message does not decode", e);
        }
    }

    private static int frameLengthOrFail(byte[] frame) {
        try {
            return StreamFramer.frameLength(frame, 0, frame.length);
        } catch (DecodeException e) {
            return -2;
        }
    }

    // ---- packets -------------------------------------------------------------------------

    /** What follows type byte 7: at most 255 parts, within the input; valid compounds round-trip. */
    @FuzzTest
    void compound(FuzzedDataProvider d) {
        byte[] in;
        if (d.consumeBoolean()) {
            int n = d.consumeInt(0, 8);
            List<byte[]> parts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                parts.add(FuzzInputs.packet(d, 1));
            }
            byte[] whole = FuzzInputs.hostileCompound(d, parts);
            in = Arrays.copyOfRange(whole, 1, whole.length);
        } else {
            in = d.consumeRemainingAsBytes();
        }
        Compound.Parts parts;
        try {
            parts = Compound.decodeCompoundMessage(in, 0, in.length);
        } catch (DecodeException e) {
            return;
        }
        int declared = in[0] & 0xff;
        assertThat(parts.parts().size()).isLessThanOrEqualTo(Limits.MAX_COMPOUND_PARTS);
        assertThat(parts.parts().size() + parts.truncated()).isEqualTo(declared);
        long total = 0;
        for (byte[] p : parts.parts()) {
            total += p.length;
        }
        assertThat(total).isLessThanOrEqualTo(in.length - 1 - 2L * declared);
        if (parts.truncated() == 0) {
            byte[] again = Compound.makeCompoundMessage(parts.parts());
            try {
                Compound.Parts back = Compound.decodeCompoundMessage(again, 1, again.length - 1);
                assertThat(back.parts()).usingElementComparator(Arrays::compare).isEqualTo(parts.parts());
            } catch (DecodeException e) {
                throw new AssertionError("a re-made compound does not decode", e);
            }
        }
    }

    /**
     * What follows type byte 9: never more than {@link Limits#MAX_DECOMPRESSED_BYTES}, never
     * empty; a valid compression of any payload gives that payload back.
     */
    @FuzzTest
    void decompressPayload(FuzzedDataProvider d) {
        byte[] in;
        byte[] expected = null;
        switch (d.consumeInt(0, 3)) {
            case 1 -> {
                expected = payload(d);
                in = body(Compression.compressPayload(expected));
            }
            case 2 -> in = body(FuzzInputs.hostileCompress(d, payload(d)));
            case 3 -> in = body(FuzzInputs.packet(d, 0));
            default -> in = d.consumeRemainingAsBytes();
        }
        byte[] out;
        try {
            out = Compression.decompressPayload(in, 0, in.length);
        } catch (DecodeException e) {
            if (expected != null && expected.length > 0) {
                throw new AssertionError("valid compression of " + expected.length + " bytes rejected", e);
            }
            return;
        }
        assertThat(out.length).isBetween(1, Limits.MAX_DECOMPRESSED_BYTES);
        if (expected != null) {
            assertThat(out).isEqualTo(expected);
        }
    }

    /**
     * Raw LZW: never more than the limit given; a compression of any payload decompresses to
     * it when the limit allows and fails when it does not.
     */
    @FuzzTest
    void lzw(FuzzedDataProvider d) {
        if (!d.consumeBoolean()) {
            byte[] in = d.consumeRemainingAsBytes();
            try {
                byte[] out = Lzw.decompress(in, 0, in.length, Limits.MAX_DECOMPRESSED_BYTES);
                assertThat(out.length).isLessThanOrEqualTo(Limits.MAX_DECOMPRESSED_BYTES);
            } catch (DecodeException e) {
                // fine
            }
            return;
        }
        byte[] payload = payload(d);
        int max = d.consumeInt(0, payload.length + 1);
        byte[] c = Lzw.compress(payload);
        byte[] out;
        try {
            out = Lzw.decompress(c, 0, c.length, max);
        } catch (DecodeException e) {
            assertThat(max).as("rejected within the limit: " + e.getMessage()).isLessThan(payload.length);
            return;
        }
        assertThat(out).isEqualTo(payload);
        assertThat(out.length).isLessThanOrEqualTo(max);
    }

    /** Fuzzed bytes, a nested packet, or a long repetition (which LZW squeezes far). */
    private static byte[] payload(FuzzedDataProvider d) {
        return switch (d.consumeInt(0, 3)) {
            case 1 -> FuzzInputs.packet(d, 0);
            case 2 -> {
                byte[] unit = d.consumeBytes(d.consumeInt(1, 8));
                int times = d.consumeInt(0, 20_000);
                byte[] out = new byte[unit.length * times];
                for (int i = 0; i < out.length; i++) {
                    out[i] = unit.length == 0 ? 0 : unit[i % unit.length];
                }
                yield out;
            }
            default -> d.consumeBytes(d.consumeInt(0, 4096));
        };
    }

    private static byte[] body(byte[] msg) {
        return msg.length == 0 ? msg : Arrays.copyOfRange(msg, 1, msg.length);
    }

    /** The label header: 1-255 bytes when present, the rest untouched; labels round-trip. */
    @FuzzTest
    void label(FuzzedDataProvider d) {
        String label = null;
        byte[] payload = null;
        byte[] in;
        if (d.consumeBoolean()) {
            label = d.consumeString(100);
            if (label.getBytes(StandardCharsets.UTF_8).length > Label.MAX_LABEL_SIZE) {
                label = label.substring(0, 60);
            }
            payload = d.consumeRemainingAsBytes();
            in = Label.addLabelHeaderToPacket(payload, label);
            if (label.isEmpty()) {
                // no header: the payload is the packet, and one starting with 244 is malformed
                label = null;
                payload = null;
            }
        } else {
            in = d.consumeRemainingAsBytes();
        }
        Label.Unwrapped u;
        try {
            u = Label.removeLabelHeaderFromPacket(in);
        } catch (DecodeException e) {
            assertThat(label).as("a label we made is rejected").isNull();
            return;
        }
        if (u.label().isEmpty()) {
            assertThat(u.payload()).isEqualTo(in);
        } else {
            int size = in[1] & 0xff;
            assertThat(size).isBetween(1, Label.MAX_LABEL_SIZE);
            assertThat(u.payload()).isEqualTo(Arrays.copyOfRange(in, 2 + size, in.length));
        }
        if (label != null) {
            assertThat(u.label().getBytes(StandardCharsets.UTF_8)).isEqualTo(label.getBytes(StandardCharsets.UTF_8));
            assertThat(u.payload()).isEqualTo(payload);
        }
    }

    /**
     * The stream framer over bytes arriving in chunks: "need more" until a length is found
     * (which then never changes and fits what arrived) or the input is refused (for good). The
     * framer resuming from its {@link StreamFramer.Progress} answers as one starting over each
     * time. A valid message followed by anything is found at its exact length.
     */
    @FuzzTest
    void frameLength(FuzzedDataProvider d) {
        int expected = -1;
        byte[] in;
        switch (d.consumeInt(0, 2)) {
            case 1 -> {
                byte[] valid = validStreamMessage(d);
                expected = valid.length;
                in = FuzzInputs.concat(valid, d.consumeBytes(d.consumeInt(0, 64)));
            }
            case 2 -> in = FuzzInputs.streamMessage(d);
            default -> in = d.consumeRemainingAsBytes();
        }
        List<byte[]> chunks = FuzzInputs.chunks(d, in);
        StreamFramer.Progress progress = new StreamFramer.Progress();
        int arrived = 0;
        int found = -1;
        String refused = null;
        for (byte[] c : chunks) {
            arrived += c.length;
            String fresh = framed(in, arrived, new StreamFramer.Progress());
            if (refused == null) {
                assertThat(framed(in, arrived, progress))
                        .as("resumed framing at " + arrived + " bytes")
                        .isEqualTo(fresh);
            }
            if (fresh.startsWith("refused")) {
                if (found > 0) {
                    fail("refused after finding length " + found + ": " + fresh);
                }
                refused = fresh;
                continue;
            }
            int n = Integer.parseInt(fresh);
            if (refused != null) {
                fail("accepted after refusing (" + refused + ") at " + arrived + " bytes");
            }
            if (found > 0) {
                assertThat(n).as("frame length changed").isEqualTo(found);
            } else if (n >= 0) {
                assertThat(n).isBetween(1, arrived);
                found = n;
            } else {
                assertThat(n).isEqualTo(-1);
            }
        }
        if (expected > 0) {
            assertThat(refused).as("valid message refused").isNull();
            assertThat(found).isEqualTo(expected);
        }
    }

    /** The framer's answer for the first {@code len} bytes: the length, -1, or "refused: why". */
    private static String framed(byte[] in, int len, StreamFramer.Progress p) {
        try {
            return Integer.toString(StreamFramer.frameLength(in, 0, len, p));
        } catch (DecodeException e) {
            return "refused: " + e.getMessage();
        }
    }

    /** A stream message exactly as a member writes it: plain, compressed, and/or encrypted. */
    private static byte[] validStreamMessage(FuzzedDataProvider d) {
        byte[] msg =
                switch (d.consumeInt(0, 4)) {
                    case 0 -> {
                        int n = d.consumeInt(0, 4);
                        List<PushNodeState> nodes = new ArrayList<>();
                        for (int i = 0; i < n; i++) {
                            nodes.add(FuzzInputs.nodeState(d));
                        }
                        yield MessageCodec.encodePushPull(
                                new PushPull(d.consumeBoolean(), nodes, FuzzInputs.bytesOrNull(d, 64)));
                    }
                    case 1 -> MessageCodec.encodeUserMsgStream(d.consumeBytes(d.consumeInt(0, 128)));
                    case 2 -> MessageCodec.encode(new Ping(
                            FuzzInputs.u32(d),
                            FuzzInputs.name(d),
                            FuzzInputs.ip(d),
                            d.consumeInt(0, 65535),
                            FuzzInputs.name(d)));
                    case 3 -> MessageCodec.encode(new AckResp(FuzzInputs.u32(d), FuzzInputs.bytesOrNull(d, 32)));
                    default -> MessageCodec.encode(new ErrResp(d.consumeString(40)));
                };
        if (d.consumeBoolean()) {
            msg = Compression.compressPayload(msg);
        }
        if (d.consumeBoolean()) {
            // the framer reads only the length: any key will do
            byte[] header = new FuzzInputs.Out()
                    .u8(MessageType.ENCRYPT.code())
                    .u32(dev.memberlist.engine.security.Security.encryptedLength(1, msg.length))
                    .bytes();
            msg = FuzzInputs.concat(
                    header, dev.memberlist.engine.security.Security.encryptPayload(1, new byte[16], msg, header));
        }
        return msg;
    }
}
