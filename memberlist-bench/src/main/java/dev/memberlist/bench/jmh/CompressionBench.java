package dev.memberlist.bench.jmh;

import dev.memberlist.engine.wire.DecodeException;
import dev.memberlist.engine.wire.Limits;
import dev.memberlist.engine.wire.Lzw;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** LZW (Go's compress/lzw flavour) of a 1 KiB gossip packet and a 64 KiB push-pull state. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CompressionBench {
    @Param({"1024", "65536"})
    public int size;

    private byte[] payload;
    private byte[] compressed;

    @Setup
    public void setup() {
        payload = Fixtures.payload(size);
        compressed = Lzw.compress(payload);
    }

    @Benchmark
    public byte[] lzwCompress() {
        return Lzw.compress(payload);
    }

    @Benchmark
    public byte[] lzwDecompress() throws DecodeException {
        return Lzw.decompress(compressed, 0, compressed.length, Limits.MAX_DECOMPRESSED_BYTES);
    }
}
