package dev.memberlist.bench.jmh;

import dev.memberlist.engine.wire.Compound;
import dev.memberlist.engine.wire.DecodeException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** A compound of 10 encoded gossip messages: building it and taking it apart. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CompoundBench {
    private List<byte[]> parts;
    private byte[] compound;

    @Setup
    public void setup() {
        parts = Fixtures.tenParts();
        compound = Compound.makeCompoundMessage(parts);
    }

    @Benchmark
    public byte[] make10() {
        return Compound.makeCompoundMessage(parts);
    }

    @Benchmark
    public Compound.Parts decode10() throws DecodeException {
        return Compound.decodeCompoundMessage(compound, 1, compound.length - 1);
    }
}
