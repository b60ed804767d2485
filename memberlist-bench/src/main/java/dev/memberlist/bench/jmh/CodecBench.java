package dev.memberlist.bench.jmh;

import dev.memberlist.engine.wire.AckResp;
import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.Dead;
import dev.memberlist.engine.wire.DecodeException;
import dev.memberlist.engine.wire.IndirectPingReq;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.NackResp;
import dev.memberlist.engine.wire.Ping;
import dev.memberlist.engine.wire.PushPull;
import dev.memberlist.engine.wire.Suspect;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding and decoding of each message type, type byte included; push-pull as the whole stream
 * message (header, node states) of 10 and 100 nodes; the user message as its stream message.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBench {
    @Param({"ping", "indirectPing", "ack", "nack", "suspect", "alive", "dead", "pushPull10", "pushPull100", "userMsg"})
    public String message;

    /** Decodes the bytes after the type byte. */
    @FunctionalInterface
    interface Decoder {
        Object decode(byte[] b, int off, int len) throws DecodeException;
    }

    private Supplier<byte[]> encoder;
    private Decoder decoder;
    private byte[] encoded;

    @Setup
    public void setup() {
        switch (message) {
            case "ping" -> typed(Fixtures.ping(), Ping.class);
            case "indirectPing" -> typed(Fixtures.indirectPing(), IndirectPingReq.class);
            case "ack" -> typed(Fixtures.ack(), AckResp.class);
            case "nack" -> typed(Fixtures.nack(), NackResp.class);
            case "suspect" -> typed(Fixtures.suspect(), Suspect.class);
            case "alive" -> typed(Fixtures.alive(), Alive.class);
            case "dead" -> typed(Fixtures.dead(), Dead.class);
            case "pushPull10", "pushPull100" -> {
                PushPull p = Fixtures.pushPull(message.equals("pushPull10") ? 10 : 100);
                encoder = () -> MessageCodec.encodePushPull(p);
                decoder = MessageCodec::decodePushPull;
            }
            case "userMsg" -> {
                byte[] msg = Fixtures.userMsg();
                encoder = () -> MessageCodec.encodeUserMsgStream(msg);
                decoder = MessageCodec::decodeUserMsgStream;
            }
            default -> throw new IllegalArgumentException(message);
        }
        encoded = encoder.get();
        try {
            decode();
        } catch (DecodeException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T extends dev.memberlist.engine.wire.Message> void typed(T m, Class<T> type) {
        encoder = () -> MessageCodec.encode(m);
        decoder = (b, off, len) -> MessageCodec.decode(type, b, off, len);
    }

    @Benchmark
    public byte[] encode() {
        return encoder.get();
    }

    @Benchmark
    public Object decode() throws DecodeException {
        return decoder.decode(encoded, 1, encoded.length - 1);
    }
}
