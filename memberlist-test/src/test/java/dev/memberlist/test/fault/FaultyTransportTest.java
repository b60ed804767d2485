package dev.memberlist.test.fault;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.transport.TransportListener;
import dev.memberlist.test.fault.LinkFaults.Rule;
import dev.memberlist.test.network.MockNetwork;
import dev.memberlist.test.network.MockTransport;
import dev.memberlist.test.simulation.Simulation;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The wrapper around a transport (here an in-memory one on virtual time, so the timings are exact). */
class FaultyTransportTest {
    private Simulation sim;
    private MockNetwork net;
    private LinkFaults faults;

    /** Keeps what a transport delivers. */
    static final class Inbox implements TransportListener {
        final List<String> packets = Collections.synchronizedList(new ArrayList<>());
        final List<StreamConnection> streams = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onPacket(Packet packet) {
            packets.add(new String(packet.buf(), UTF_8));
        }

        @Override
        public void onStream(StreamConnection connection) {
            streams.add(connection);
        }
    }

    @BeforeEach
    void setUp() {
        sim = new Simulation(1);
        net = new MockNetwork(sim);
        faults = new LinkFaults(7);
    }

    /** A wrapped node, started, its advertise address registered. */
    private FaultyTransport wrapped(String name, Inbox inbox) throws IOException {
        FaultyTransport t =
                new FaultyTransport(net.newTransport(name), name, faults, sim.newScheduler("faults-" + name));
        t.start(inbox);
        t.finalAdvertiseAddr("", 0);
        return t;
    }

    private MockTransport plain(String name, Inbox inbox) throws IOException {
        MockTransport t = net.newTransport(name);
        t.start(inbox);
        return t;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static Address addressOf(FaultyTransport t) {
        return ((MockTransport) t.inner()).address();
    }

    @Test
    void outboundPacketsAreLostDelayedAndDuplicated() throws IOException {
        Inbox ib = new Inbox();
        FaultyTransport a = wrapped("a", new Inbox());
        FaultyTransport b = wrapped("b", ib);

        faults.setLink("a", "b", Rule.PERFECT.withDelay(Duration.ofMillis(20), Duration.ZERO));
        byte[] buf = bytes("late");
        a.writeToAddress(buf, addressOf(b));
        // the caller may reuse its buffer at once
        buf[0] = 'X';
        sim.runFor(Duration.ofMillis(20));
        assertThat(ib.packets).isEmpty();
        sim.runFor(Duration.ofMillis(1));
        assertThat(ib.packets).containsExactly("late");

        faults.setLink("a", "b", Rule.PERFECT.withDuplicate(1));
        a.writeToAddress(bytes("dup"), addressOf(b));
        faults.setLink("a", "b", Rule.loss(1));
        a.writeToAddress(bytes("lost"), addressOf(b));
        // by address only: the name is found in the registry
        faults.setLink("a", "b", Rule.PERFECT);
        a.writeToAddress(bytes("unnamed"), Address.of(addressOf(b).socketAddress()));
        sim.runFor(Duration.ofMillis(5));
        assertThat(ib.packets).containsExactly("late", "dup", "dup", "unnamed");
    }

    @Test
    void inboundPacketsAndStreamsFromAnUnwrappedSenderAreBlockedByItsAddress() throws Exception {
        Inbox ib = new Inbox();
        FaultyTransport b = wrapped("b", ib);
        MockTransport go = plain("go", new Inbox());
        faults.register("go", go.address().socketAddress());
        faults.block("go", "b");
        go.writeToAddress(bytes("blocked"), addressOf(b));
        CompletableFuture<StreamConnection> dial = go.dialAddress(addressOf(b), Duration.ofSeconds(1));
        sim.runFor(Duration.ofMillis(5));
        assertThat(ib.packets).isEmpty();
        // the mock connects, the wrapper closes what arrives: no stream reaches the node
        assertThat(ib.streams).isEmpty();
        faults.heal();
        go.writeToAddress(bytes("open"), addressOf(b));
        sim.runFor(Duration.ofMillis(5));
        assertThat(ib.packets).containsExactly("open");
        assertThat(dial).isDone();
    }

    @Test
    void dialsAcrossABlockTimeOut() throws Exception {
        FaultyTransport a = wrapped("a", new Inbox());
        FaultyTransport b = wrapped("b", new Inbox());
        faults.block("b", "a");
        CompletableFuture<StreamConnection> dial = a.dialAddress(addressOf(b), Duration.ofMillis(500));
        sim.runFor(Duration.ofMillis(499));
        assertThat(dial).isNotDone();
        sim.runFor(Duration.ofMillis(1));
        try {
            dial.get();
            throw new AssertionError("connected across a block");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(faults.stats().dialsBlocked()).isEqualTo(1);
    }

    @Test
    void aDialedStreamIsDelayedBothWaysInOrder() throws Exception {
        Inbox ib = new Inbox();
        FaultyTransport a = wrapped("a", new Inbox());
        FaultyTransport b = wrapped("b", ib);
        faults.setLink("a", "b", Rule.loss(1).withDelay(Duration.ofMillis(10), Duration.ofMillis(50)));
        faults.setLink("b", "a", Rule.PERFECT.withDelay(Duration.ofMillis(20), Duration.ZERO));
        CompletableFuture<StreamConnection> dial = a.dialAddress(addressOf(b), Duration.ofSeconds(1));
        sim.runFor(Duration.ofMillis(1));
        StreamConnection client = dial.get();
        StringBuffer atClient = new StringBuffer();
        client.startReading(new StreamConnection.Reader() {
            @Override
            public void onData(byte[] chunk) {
                atClient.append(new String(chunk, UTF_8));
            }

            @Override
            public void onClose(Throwable cause) {}
        });
        StringBuffer atServer = new StringBuffer();
        StreamConnection server = ib.streams.get(0);
        server.startReading(new StreamConnection.Reader() {
            @Override
            public void onData(byte[] chunk) {
                atServer.append(new String(chunk, UTF_8));
            }

            @Override
            public void onClose(Throwable cause) {}
        });
        client.write(bytes("a"));
        faults.setLink("a", "b", Rule.PERFECT);
        client.write(bytes("b"));
        server.write(bytes("reply"));
        sim.runFor(Duration.ofMillis(10));
        assertThat(atServer.toString()).isEmpty();
        sim.runFor(Duration.ofMillis(1));
        // 10 ms in the wrapper and the network's 1 ms; the second write waits for the first
        assertThat(atServer.toString()).isEqualTo("ab");
        assertThat(atClient.toString()).isEmpty();
        sim.runFor(Duration.ofMillis(10));
        assertThat(atClient.toString()).isEqualTo("reply");
    }
}
