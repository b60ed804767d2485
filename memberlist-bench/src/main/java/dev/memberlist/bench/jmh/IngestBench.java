package dev.memberlist.bench.jmh;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.security.Keyring;
import dev.memberlist.engine.security.Security;
import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.transport.TransportListener;
import dev.memberlist.engine.wire.Compound;
import dev.memberlist.engine.wire.Label;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.Ping;
import dev.memberlist.test.network.MockNetwork;
import dev.memberlist.test.network.MockTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One received packet through a node's whole input path, on the receiving thread: label,
 * decryption, compound, decoding of ten messages, hand-off to the protocol thread (which then
 * handles them on its own thread, off the measured path). The packet is a compound of a ping
 * and nine gossip messages, plain or labeled and AES-128-GCM encrypted. Delivered by an
 * in-memory network, so no socket is involved.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IngestBench {
    private static final String LABEL = "prod";

    @Param({"plain", "labeledEncrypted"})
    public String mode;

    private Memberlist node;
    private MockTransport sender;
    private Address to;
    private byte[] packet;

    @Setup
    public void setup() throws IOException {
        MockNetwork net = new MockNetwork();
        MockTransport t = net.newTransport("bench");
        Config c = Config.local().setName("bench").setTransport(t);
        boolean secure = mode.equals("labeledEncrypted");
        if (secure) {
            c.setLabel(LABEL).setKeyring(Keyring.of(Fixtures.KEY));
        }
        node = Memberlist.create(c);
        sender = net.newTransport("sender");
        sender.start(new TransportListener() {
            @Override
            public void onPacket(Packet p) {}

            @Override
            public void onStream(StreamConnection s) {
                s.close();
            }
        });
        to = t.address();
        List<byte[]> parts = new ArrayList<>(Fixtures.tenParts());
        parts.set(0, MessageCodec.encode(new Ping(1, "bench", Fixtures.IP, 7946, "sender")));
        packet = Compound.makeCompoundMessage(parts);
        if (secure) {
            packet = Label.addLabelHeaderToPacket(
                    Security.encryptPayload(1, Fixtures.KEY, packet, LABEL.getBytes(StandardCharsets.UTF_8)), LABEL);
        }
    }

    @TearDown
    public void tearDown() {
        node.shutdown();
    }

    @Benchmark
    public CompletableFuture<Void> ingest() {
        return sender.writeToAddress(packet, to);
    }
}
