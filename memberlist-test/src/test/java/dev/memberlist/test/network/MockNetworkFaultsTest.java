package dev.memberlist.test.network;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.test.fault.LinkFaults;
import dev.memberlist.test.fault.LinkFaults.Rule;
import dev.memberlist.test.network.MockNetworkTest.Collector;
import dev.memberlist.test.network.MockNetworkTest.Inbox;
import dev.memberlist.test.simulation.Simulation;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** The fault policy on the in-memory network, on virtual time and in real time. */
class MockNetworkFaultsTest {

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static MockTransport started(MockNetwork net, String name, Inbox inbox) throws IOException {
        MockTransport t = net.newTransport(name);
        t.start(inbox);
        return t;
    }

    @Test
    void lossDelayAndDuplicationOnVirtualTime() throws IOException {
        Simulation sim = new Simulation(1);
        MockNetwork net = new MockNetwork(sim);
        LinkFaults faults = new LinkFaults(9);
        net.setFaults(faults);
        Inbox ia = new Inbox(), ib = new Inbox();
        MockTransport a = started(net, "a", ia);
        MockTransport b = started(net, "b", ib);

        faults.setLink("a", "b", Rule.PERFECT.withDelay(Duration.ofMillis(50), Duration.ZERO));
        a.writeToAddress(bytes("slow"), b.address());
        b.writeToAddress(bytes("fast"), a.address());
        sim.runFor(Duration.ofMillis(50));
        assertThat(ia.texts()).containsExactly("fast");
        assertThat(ib.texts()).isEmpty();
        sim.runFor(Duration.ofMillis(1));
        // the network's 1 ms latency plus the link's 50 ms
        assertThat(ib.texts()).containsExactly("slow");

        faults.setLink("a", "b", Rule.PERFECT.withDuplicate(1));
        a.writeToAddress(bytes("twice"), b.address());
        faults.setLink("a", "b", Rule.loss(1));
        a.writeToAddress(bytes("never"), b.address());
        sim.runFor(Duration.ofMillis(10));
        assertThat(ib.texts()).containsExactly("slow", "twice", "twice");
        // the two copies are separate buffers
        assertThat(ib.packets.get(1).buf()).isNotSameAs(ib.packets.get(2).buf());
        assertThat(faults.stats().lost()).isEqualTo(1);
        assertThat(faults.stats().duplicated()).isEqualTo(1);
    }

    @Test
    void jitterReordersPackets() throws IOException {
        Simulation sim = new Simulation(1);
        MockNetwork net = new MockNetwork(sim);
        net.setFaults(new LinkFaults(3).setAll(Rule.PERFECT.withDelay(Duration.ZERO, Duration.ofMillis(20))));
        Inbox ib = new Inbox();
        MockTransport a = started(net, "a", new Inbox());
        MockTransport b = started(net, "b", ib);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add("p" + i);
            a.writeToAddress(bytes("p" + i), b.address());
            sim.runFor(Duration.ofMillis(1));
        }
        sim.runFor(Duration.ofMillis(30));
        assertThat(ib.texts()).containsExactlyInAnyOrderElementsOf(sent).isNotEqualTo(sent);
    }

    @Test
    void aOneWayBlockDropsPacketsOneWayAndDialsTimeOutBothWays() throws Exception {
        Simulation sim = new Simulation(1);
        MockNetwork net = new MockNetwork(sim);
        LinkFaults faults = new LinkFaults(1).block("a", "b");
        net.setFaults(faults);
        Inbox ia = new Inbox(), ib = new Inbox();
        MockTransport a = started(net, "a", ia);
        MockTransport b = started(net, "b", ib);

        a.writeToAddress(bytes("lost"), b.address());
        b.writeToAddress(bytes("back"), a.address());
        CompletableFuture<StreamConnection> ab = a.dialAddress(b.address(), Duration.ofSeconds(2));
        CompletableFuture<StreamConnection> ba = b.dialAddress(a.address(), Duration.ofSeconds(3));
        sim.runFor(Duration.ofMillis(1999));
        assertThat(ia.texts()).containsExactly("back");
        assertThat(ib.texts()).isEmpty();
        assertThat(ab).isNotDone();
        sim.runFor(Duration.ofMillis(1));
        // a timeout, not a refusal: the SYN (or its answer) is lost
        assertThat(ab).isCompletedExceptionally();
        assertThatCause(ab).isInstanceOf(SocketTimeoutException.class);
        sim.runFor(Duration.ofSeconds(1));
        assertThatCause(ba).isInstanceOf(SocketTimeoutException.class);
        assertThat(ib.streams).isEmpty();
        assertThat(ia.streams).isEmpty();

        faults.heal();
        CompletableFuture<StreamConnection> healed = a.dialAddress(b.address(), Duration.ofSeconds(2));
        sim.runFor(Duration.ofMillis(1));
        assertThat(healed).isCompleted();
        assertThat(ib.streams).hasSize(1);
    }

    @Test
    void aDialToACrashedNodeAcrossAPartitionTimesOutInsteadOfBeingRefused() throws Exception {
        Simulation sim = new Simulation(1);
        MockNetwork net = new MockNetwork(sim);
        net.setFaults(new LinkFaults(1).partition(Set.of("a"), Set.of("b")));
        MockTransport a = started(net, "a", new Inbox());
        MockTransport b = started(net, "b", new Inbox());
        b.shutdown();
        CompletableFuture<StreamConnection> dial = a.dialAddress(b.address(), Duration.ofSeconds(1));
        sim.runFor(Duration.ofMillis(999));
        assertThat(dial).isNotDone();
        sim.runFor(Duration.ofMillis(1));
        assertThatCause(dial).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void streamBytesAreDelayedButKeepTheirOrderAndStopAcrossABlock() throws Exception {
        Simulation sim = new Simulation(1);
        MockNetwork net = new MockNetwork(sim);
        LinkFaults faults =
                new LinkFaults(1).setAll(Rule.loss(1).withDelay(Duration.ofMillis(30), Duration.ofMillis(100)));
        net.setFaults(faults);
        Inbox ib = new Inbox();
        MockTransport a = started(net, "a", new Inbox());
        MockTransport b = started(net, "b", ib);

        CompletableFuture<StreamConnection> dial = a.dialAddress(b.address(), Duration.ofSeconds(1));
        sim.runFor(Duration.ofMillis(31));
        // loss does not apply to streams, the fixed delay does
        assertThat(dial).isCompleted();
        Collector server = new Collector();
        ib.streams.get(0).startReading(server);
        StreamConnection client = dial.get();
        client.write(bytes("1"));
        // a shorter delay from now on must not overtake what is in flight
        faults.setAll(Rule.PERFECT);
        client.write(bytes("2"));
        sim.runFor(Duration.ofMillis(30));
        assertThat(server.data.toString()).isEmpty();
        sim.runFor(Duration.ofMillis(1));
        assertThat(server.data.toString()).isEqualTo("12");

        faults.partition(Set.of("a"), Set.of("b"));
        client.write(bytes("3"));
        client.close();
        sim.runFor(Duration.ofSeconds(1));
        // neither the bytes nor the close cross: the reader waits for its own deadline
        assertThat(server.data.toString()).isEqualTo("12");
        assertThat(server.closes).isEmpty();
    }

    @Test
    void theSameSeedGivesTheSameDeliveries() throws IOException {
        assertThat(lossyRun(5)).isEqualTo(lossyRun(5)).isNotEqualTo(lossyRun(6));
    }

    private static List<String> lossyRun(long seed) throws IOException {
        Simulation sim = new Simulation(seed);
        MockNetwork net = new MockNetwork(sim);
        net.setFaults(new LinkFaults(seed)
                .setAll(Rule.loss(0.3).withDuplicate(0.2).withDelay(Duration.ofMillis(1), Duration.ofMillis(5))));
        Inbox ib = new Inbox();
        MockTransport a = started(net, "a", new Inbox());
        MockTransport b = started(net, "b", ib);
        for (int i = 0; i < 100; i++) {
            a.writeToAddress(bytes("p" + i), b.address());
            sim.runFor(Duration.ofMillis(1));
        }
        sim.runFor(Duration.ofMillis(10));
        return ib.texts();
    }

    @Test
    void realTimeDelaysAndBlockedDialsUseATimer() throws Exception {
        MockNetwork net = new MockNetwork();
        LinkFaults faults = new LinkFaults(1).setAll(Rule.PERFECT.withDelay(Duration.ofMillis(100), Duration.ZERO));
        net.setFaults(faults);
        Inbox ib = new Inbox();
        MockTransport a = started(net, "a", new Inbox());
        MockTransport b = started(net, "b", ib);
        long start = System.nanoTime();
        a.writeToAddress(bytes("late"), b.address());
        assertThat(ib.texts()).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> ib.texts().size() == 1);
        assertThat(System.nanoTime() - start)
                .isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());

        faults.block("b", "a");
        CompletableFuture<StreamConnection> dial = a.dialAddress(b.address(), Duration.ofMillis(200));
        await().atMost(Duration.ofSeconds(5)).until(dial::isDone);
        assertThatCause(dial).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void aNodeCanComeBackAtTheAddressItHad() throws Exception {
        MockNetwork net = new MockNetwork();
        Inbox ia = new Inbox(), ib = new Inbox();
        MockTransport a = started(net, "a", ia);
        MockTransport b = started(net, "b", new Inbox());
        int port = a.address().socketAddress().getPort();
        assertThatThrownBy(() -> net.newTransport("a", port)).isInstanceOf(IllegalStateException.class);
        a.shutdown();
        MockTransport again = net.newTransport("a", port);
        again.start(ia);
        assertThat(again.address()).isEqualTo(a.address());
        b.writeToAddress(bytes("by address"), Address.of(a.address().socketAddress()));
        assertThat(ia.texts()).containsExactly("by address");
        // fresh ports skip one taken this way
        MockTransport c = net.newTransport("c", 20003);
        assertThat(net.newTransport("d").address().socketAddress().getPort()).isEqualTo(20002);
        assertThat(net.newTransport("e").address().socketAddress().getPort()).isEqualTo(20004);
        assertThat(c.name()).isEqualTo("c");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertThatCause(CompletableFuture<?> f) {
        try {
            f.get();
            throw new AssertionError("completed normally");
        } catch (ExecutionException e) {
            return assertThat(e.getCause());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
