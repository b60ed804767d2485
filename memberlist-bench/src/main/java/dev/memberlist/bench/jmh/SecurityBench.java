package dev.memberlist.bench.jmh;

import dev.memberlist.engine.security.Security;
import dev.memberlist.engine.wire.Crc;
import dev.memberlist.engine.wire.DecodeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * AES-128-GCM, encryption version 1, of a full 1400-byte packet with a label as associated
 * data; and the CRC-32 packet wrapper of the same size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SecurityBench {
    private static final byte[] LABEL = "prod".getBytes(StandardCharsets.UTF_8);

    private byte[] packet;
    private byte[] sealed;
    private byte[] withCrc;
    private List<byte[]> keys;

    @Setup
    public void setup() {
        packet = new byte[1400];
        new java.util.Random(7).nextBytes(packet);
        sealed = Security.encryptPayload(1, Fixtures.KEY, packet, LABEL);
        withCrc = Crc.addCrc(packet);
        keys = List.of(Fixtures.KEY);
    }

    @Benchmark
    public byte[] encryptV1() {
        return Security.encryptPayload(1, Fixtures.KEY, packet, LABEL);
    }

    @Benchmark
    public byte[] decryptV1() throws DecodeException {
        return Security.decryptPayload(keys, sealed, LABEL);
    }

    @Benchmark
    public byte[] crcAdd() {
        return Crc.addCrc(packet);
    }

    @Benchmark
    public boolean crcVerify() {
        return Crc.verify(withCrc);
    }
}
