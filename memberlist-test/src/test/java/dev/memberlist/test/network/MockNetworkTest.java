package dev.memberlist.test.network;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.scheduler.Scheduler;
import dev.memberlist.engine.scheduler.Strand;
import dev.memberlist.engine.transport.AdvertiseAddress;
import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.transport.TransportListener;
import dev.memberlist.test.simulation.Simulation;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MockNetworkTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    /** Keeps what a transport delivers. */
    static final class Inbox implements TransportListener {
        final List<Packet> packets = Collections.synchronizedList(new ArrayList<>());
        final List<StreamConnection> streams = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onPacket(Packet packet) {
            packets.add(packet);
        }

        @Override
        public void onStream(StreamConnection connection) {
            streams.add(connection);
        }

        List<String> texts() {
            synchronized (packets) {
                return packets.stream().map(p -> new String(p.buf(), UTF_8)).toList();
            }
        }
    }

    /** Keeps what a stream delivers. */
    static final class Collector implements StreamConnection.Reader {
        final StringBuffer data = new StringBuffer();
        final List<Throwable> closes = Collections.synchronizedList(new ArrayList<>());
        volatile boolean closed;

        @Override
        public void onData(byte[] chunk) {
            assertThat(closed).as("data after close").isFalse();
            data.append(new String(chunk, UTF_8));
        }

        @Override
        public void onClose(Throwable cause) {
            closes.add(cause);
            closed = true;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static MockTransport started(MockNetwork net, String name, Inbox inbox) throws IOException {
        MockTransport t = net.newTransport(name);
        t.start(inbox);
        return t;
    }

    private static InetSocketAddress loopback(int port) throws IOException {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port);
    }

    @Test
    void addressesAreSequentialFrom20000() throws IOException {
        MockNetwork net = new MockNetwork();
        MockTransport a = net.newTransport("a");
        MockTransport b = net.newTransport("b");

        assertThat(a.address()).isEqualTo(new Address(loopback(20000), "a"));
        assertThat(b.address()).isEqualTo(new Address(loopback(20001), "b"));
        assertThat(b.name()).isEqualTo("b");
        assertThat(a.address().hostPort()).isEqualTo("127.0.0.1:20000");
    }

    @Test
    void liveAddressesAreTheStartedTransportsNotShutDown() throws IOException {
        MockNetwork net = new MockNetwork();
        MockTransport a = net.newTransport("a");
        MockTransport b = net.newTransport("b");
        MockTransport c = net.newTransport("c");
        assertThat(net.liveAddresses()).isEmpty();
        c.start(new Inbox());
        a.start(new Inbox());
        b.start(new Inbox());
        b.shutdown();

        assertThat(net.liveAddresses()).containsExactly(a.address(), c.address());
    }

    @Test
    void finalAdvertiseAddr() throws IOException {
        MockNetwork net = new MockNetwork();
        net.newTransport("a");
        MockTransport b = net.newTransport("b");

        AdvertiseAddress own = b.finalAdvertiseAddr("", 0);
        assertThat(own.ip()).containsExactly(127, 0, 0, 1);
        assertThat(own.port()).isEqualTo(20001);
        // the config's default advertise port without an address changes nothing
        assertThat(b.finalAdvertiseAddr(null, 7946).port()).isEqualTo(20001);
        // an explicit address wins
        AdvertiseAddress explicit = b.finalAdvertiseAddr("10.0.0.9", 7000);
        assertThat(explicit.ip()).containsExactly(10, 0, 0, 9);
        assertThat(explicit.port()).isEqualTo(7000);
        assertThat(b.finalAdvertiseAddr("10.0.0.9", 0).port()).isEqualTo(20001);
        assertThat(b.finalAdvertiseAddr("::1", 1).ip()).hasSize(16);
        assertThatThrownBy(() -> b.finalAdvertiseAddr("not-an-ip.example", 1)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> b.finalAdvertiseAddr("300.1.1.1", 1)).isInstanceOf(IOException.class);
    }

    @Test
    void packetsByNameAndByAddress() throws Exception {
        MockNetwork net = new MockNetwork();
        Inbox ia = new Inbox();
        Inbox ib = new Inbox();
        MockTransport a = started(net, "a", ia);
        MockTransport b = started(net, "b", ib);

        a.writeToAddress(bytes("by-name"), new Address(loopback(12345), "b")).get();
        a.writeToAddress(bytes("by-addr"), Address.of(b.address().socketAddress()))
                .get();
        byte[] reused = bytes("mine");
        b.writeToAddress(reused, a.address()).get();
        reused[0] = 'X';

        assertThat(ib.texts()).containsExactly("by-name", "by-addr");
        assertThat(ib.packets)
                .allSatisfy(p -> assertThat(p.from()).isEqualTo(a.address().socketAddress()));
        assertThat(ia.texts()).as("the receiver owns a copy").containsExactly("mine");

        assertThat(a.stats()).isEqualTo(new MockTransport.Stats(14, 4, 2, 1, 0, 0));
        assertThat(b.stats()).isEqualTo(new MockTransport.Stats(4, 14, 1, 2, 0, 0));
    }

    @Test
    void unknownDestinations() throws Exception {
        MockNetwork net = new MockNetwork();
        MockTransport a = started(net, "a", new Inbox());

        // like UDP: the send succeeds, the packet goes nowhere
        assertThat(a.writeToAddress(bytes("x"), new Address(loopback(20000), "nobody")))
                .succeedsWithin(TIMEOUT);
        assertThat(a.writeToAddress(bytes("x"), Address.of(loopback(9)))).succeedsWithin(TIMEOUT);
        assertThat(a.stats().pktsOut()).isEqualTo(2);

        assertThat(a.dialAddress(new Address(loopback(20000), "nobody"), TIMEOUT))
                .failsWithin(TIMEOUT)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(ConnectException.class)
                .withMessageContaining("connection refused");
        assertThat(a.dialAddress(Address.of(loopback(9)), TIMEOUT))
                .failsWithin(TIMEOUT)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(ConnectException.class);
    }

    @Test
    void anUnstartedTransportReceivesNothing() throws Exception {
        MockNetwork net = new MockNetwork();
        MockTransport a = started(net, "a", new Inbox());
        MockTransport b = net.newTransport("b");

        a.writeToAddress(bytes("early"), b.address()).get();
        assertThat(a.dialAddress(b.address(), TIMEOUT)).failsWithin(TIMEOUT);

        Inbox ib = new Inbox();
        b.start(ib);
        a.writeToAddress(bytes("late"), b.address()).get();
        assertThat(ib.texts()).containsExactly("late");
        assertThatThrownBy(() -> b.start(new Inbox())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void streamsBothWaysWithBufferingBeforeStartReading() throws Exception {
        MockNetwork net = new MockNetwork();
        Inbox ib = new Inbox();
        MockTransport a = started(net, "a", new Inbox());
        MockTransport b = started(net, "b", ib);

        StreamConnection client = a.dialAddress(b.address(), TIMEOUT).get();
        assertThat(ib.streams).hasSize(1);
        StreamConnection server = ib.streams.get(0);
        assertThat(client.remoteAddress()).isEqualTo(b.address().socketAddress());
        assertThat(server.remoteAddress()).isEqualTo(a.address().socketAddress());

        // written before the other side reads: buffered, in order
        assertThat(client.write(bytes("hel"))).succeedsWithin(TIMEOUT);
        client.write(bytes("lo"));
        server.write(bytes("wor"));
        server.write(bytes("ld"));

        Collector atServer = new Collector();
        server.startReading(atServer);
        assertThat(atServer.data).hasToString("hello");
        client.write(bytes("!"));
        assertThat(atServer.data).hasToString("hello!");

        Collector atClient = new Collector();
        client.startReading(atClient);
        assertThat(atClient.data).hasToString("world");
        assertThatThrownBy(() -> client.startReading(new Collector())).isInstanceOf(IllegalStateException.class);

        assertThat(a.stats().streamBytesOut()).isEqualTo(6);
        assertThat(b.stats().streamBytesIn()).isEqualTo(6);
        assertThat(b.stats().streamBytesOut()).isEqualTo(5);
        assertThat(a.stats().pktsOut()).isZero();
    }

    @Test
    void closeEndsTheStreamForBothSides() throws Exception {
        MockNetwork net = new MockNetwork();
        Inbox ib = new Inbox();
        MockTransport a = started(net, "a", new Inbox());
        MockTransport b = started(net, "b", ib);
        StreamConnection client = a.dialAddress(b.address(), TIMEOUT).get();
        StreamConnection server = ib.streams.get(0);
        Collector atClient = new Collector();
        client.startReading(atClient);

        client.write(bytes("a"));
        client.write(bytes("b"));
        client.close();
        client.close(); // idempotent

        assertThat(atClient.closes).as("the closing side: one onClose").containsExactly((Throwable) null);
        assertThat(client.write(bytes("late")))
                .failsWithin(TIMEOUT)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(IOException.class);

        // the other side reads what was sent before the close, then one onClose
        Collector atServer = new Collector();
        server.startReading(atServer);
        assertThat(atServer.data).hasToString("ab");
        assertThat(atServer.closes).containsExactly((Throwable) null);
        assertThat(server.write(bytes("reply"))).failsWithin(TIMEOUT);
        server.close();
        assertThat(atServer.closes).hasSize(1);
        assertThat(atClient.closes).hasSize(1);
    }

    @Test
    void closingDropsWhatThisSideHasNotRead() throws Exception {
        MockNetwork net = new MockNetwork();
        Inbox ib = new Inbox();
        MockTransport a = started(net, "a", new Inbox());
        started(net, "b", ib);
        StreamConnection client =
                a.dialAddress(new Address(loopback(1), "b"), TIMEOUT).get();
        StreamConnection server = ib.streams.get(0);
        client.write(bytes("unread"));

        server.close();
        Collector atServer = new Collector();
        server.startReading(atServer);

        assertThat(atServer.data).isEmpty();
        assertThat(atServer.closes).containsExactly((Throwable) null);
    }

    @Test
    void aRestartedNodesOldAddressNoLongerReachesIt() throws Exception {
        MockNetwork net = new MockNetwork();
        MockTransport a = started(net, "a", new Inbox());
        MockTransport b = started(net, "b", new Inbox());
        Address old = b.address();
        b.shutdown();
        Inbox ib2 = new Inbox();
        MockTransport b2 = started(net, "b", ib2);
        assertThat(b2.address()).isNotEqualTo(old);

        // what peers still hold (name and old port) finds nobody, as on a real network
        a.writeToAddress(bytes("to the old port"), old).get();
        assertThat(a.dialAddress(old, TIMEOUT)).failsWithin(TIMEOUT);
        // the new address, or the name alone with an address nobody ever had, reach it
        a.writeToAddress(bytes("to the new port"), b2.address()).get();
        a.writeToAddress(bytes("by name"), new Address(loopback(1), "b")).get();
        assertThat(ib2.texts()).containsExactly("to the new port", "by name");
        assertThat(ib2.streams).isEmpty();
    }

    @Test
    void shutdownTakesTheNodeOffTheNetwork() throws Exception {
        MockNetwork net = new MockNetwork();
        Inbox ia = new Inbox();
        Inbox ib = new Inbox();
        MockTransport a = started(net, "a", ia);
        MockTransport b = started(net, "b", ib);
        StreamConnection client = a.dialAddress(b.address(), TIMEOUT).get();
        Collector atClient = new Collector();
        client.startReading(atClient);
        Collector atServer = new Collector();
        ib.streams.get(0).startReading(atServer);

        b.shutdown();
        b.shutdown(); // idempotent

        // its open streams end for both sides
        assertThat(atClient.closes).containsExactly((Throwable) null);
        assertThat(atServer.closes).containsExactly((Throwable) null);
        // packets vanish, dials fail, by name and by address
        a.writeToAddress(bytes("gone"), b.address()).get();
        a.writeToAddress(bytes("gone"), Address.of(b.address().socketAddress())).get();
        assertThat(ib.packets).isEmpty();
        assertThat(b.stats().pktsIn()).isZero();
        assertThat(a.dialAddress(b.address(), TIMEOUT)).failsWithin(TIMEOUT);
        // and it sends nothing any more
        assertThat(b.writeToAddress(bytes("x"), a.address())).failsWithin(TIMEOUT);
        assertThat(b.dialAddress(a.address(), TIMEOUT)).failsWithin(TIMEOUT);
        assertThatThrownBy(() -> b.start(new Inbox())).isInstanceOf(IOException.class);

        // a node of the same name can come back, at a new address
        Inbox ib2 = new Inbox();
        MockTransport b2 = started(net, "b", ib2);
        a.writeToAddress(bytes("back"), new Address(loopback(1), "b")).get();
        assertThat(ib2.texts()).containsExactly("back");
        assertThat(b2.address().socketAddress()).isNotEqualTo(b.address().socketAddress());
        assertThat(ia.packets).isEmpty();
    }

    // ---- simulated mode ----

    @Test
    void simulatedDeliveryTakesTheLatency() throws Exception {
        Simulation sim = new Simulation(7);
        MockNetwork net = new MockNetwork(sim);
        assertThat(net.isSimulated()).isTrue();
        assertThat(net.latency()).isEqualTo(Duration.ofMillis(1));
        List<String> log = new ArrayList<>();
        MockTransport a = net.newTransport("a");
        MockTransport b = net.newTransport("b");
        a.start(new Inbox());
        b.start(new TransportListener() {
            @Override
            public void onPacket(Packet packet) {
                log.add("packet " + new String(packet.buf(), UTF_8) + " @" + sim.nanoTime());
            }

            @Override
            public void onStream(StreamConnection c) {
                log.add("accept @" + sim.nanoTime());
                c.startReading(new StreamConnection.Reader() {
                    @Override
                    public void onData(byte[] chunk) {
                        log.add("data " + new String(chunk, UTF_8) + " @" + sim.nanoTime());
                    }

                    @Override
                    public void onClose(Throwable cause) {
                        log.add("close " + cause + " @" + sim.nanoTime());
                    }
                });
            }
        });

        a.writeToAddress(bytes("p1"), b.address());
        assertThat(log).as("nothing happens synchronously").isEmpty();
        sim.runFor(Duration.ofNanos(999_999));
        assertThat(log).isEmpty();
        sim.runFor(Duration.ofNanos(1));
        assertThat(log).containsExactly("packet p1 @1000000");

        net.setLatency(Duration.ofMillis(5));
        CompletableFuture<StreamConnection> dial = a.dialAddress(b.address(), TIMEOUT);
        sim.runFor(Duration.ofMillis(5));
        assertThat(dial).isCompleted();
        StreamConnection client = dial.get();
        client.write(bytes("d1"));
        client.write(bytes("d2"));
        client.close();
        sim.runFor(Duration.ofMillis(10));

        assertThat(log)
                .containsExactly(
                        "packet p1 @1000000",
                        "accept @6000000",
                        "data d1 @11000000",
                        "data d2 @11000000",
                        "close null @11000000");
        assertThatThrownBy(() -> new MockNetwork().setLatency(Duration.ofMillis(1)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void simulatedCallbacksNeverRunInsideTheCall() throws Exception {
        Simulation sim = new Simulation(7);
        MockNetwork net = new MockNetwork(sim);
        Inbox ib = new Inbox();
        MockTransport a = started(net, "a", new Inbox());
        started(net, "b", ib);
        CompletableFuture<StreamConnection> dial = a.dialAddress(new Address(loopback(1), "b"), TIMEOUT);
        sim.runFor(Duration.ofMillis(1));
        StreamConnection client = dial.get();
        ib.streams.get(0).write(bytes("x"));
        sim.runFor(Duration.ofMillis(1));

        Collector atClient = new Collector();
        client.startReading(atClient);
        assertThat(atClient.data).as("buffered data comes as an event").isEmpty();
        client.close();
        assertThat(atClient.closes).isEmpty();
        sim.runFor(Duration.ZERO);
        assertThat(atClient.data).as("closed before it was read").isEmpty();
        assertThat(atClient.closes).containsExactly((Throwable) null);
    }

    @Test
    void simulatedDialTimesOutWhenTheLatencyIsLonger() {
        Simulation sim = new Simulation(7);
        MockNetwork net = new MockNetwork(sim);
        Inbox ib = new Inbox();
        MockTransport a = net.newTransport("a");
        MockTransport b = net.newTransport("b");
        try {
            a.start(new Inbox());
            b.start(ib);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        net.setLatency(Duration.ofMillis(50));

        CompletableFuture<StreamConnection> dial = a.dialAddress(b.address(), Duration.ofMillis(10));
        sim.runFor(Duration.ofMillis(10));
        assertThat(dial)
                .isCompletedExceptionally()
                .failsWithin(Duration.ZERO)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(SocketTimeoutException.class);
        sim.runFor(Duration.ofMillis(100));
        assertThat(ib.streams).as("no half-open stream at the server").isEmpty();
    }

    @Test
    void simulatedPacketsToANodeThatLeavesInFlightVanish() throws Exception {
        Simulation sim = new Simulation(7);
        MockNetwork net = new MockNetwork(sim);
        Inbox ib = new Inbox();
        MockTransport a = started(net, "a", new Inbox());
        MockTransport b = started(net, "b", ib);

        a.writeToAddress(bytes("x"), b.address());
        CompletableFuture<StreamConnection> dial = a.dialAddress(b.address(), TIMEOUT);
        b.shutdown();
        sim.runFor(Duration.ofMillis(5));

        assertThat(ib.packets).isEmpty();
        assertThat(dial).isCompletedExceptionally();
    }

    /** Five nodes gossiping packets and streams at random: the same seed gives the same event log. */
    @Test
    void simulatedRunsAreDeterministic() {
        List<String> first = chatter(1234);
        List<String> second = chatter(1234);

        assertThat(first).hasSizeGreaterThan(500);
        assertThat(second).isEqualTo(first);
        assertThat(chatter(4321)).isNotEqualTo(first);
    }

    private static List<String> chatter(long seed) {
        Simulation sim = new Simulation(seed);
        MockNetwork net = new MockNetwork(sim);
        net.setLatency(Duration.ofMillis(3));
        List<String> log = new ArrayList<>();
        int n = 5;
        List<MockTransport> transports = new ArrayList<>();
        List<Scheduler> schedulers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            transports.add(net.newTransport("node" + i));
            schedulers.add(sim.newScheduler("node" + i));
        }
        for (int i = 0; i < n; i++) {
            String me = "node" + i;
            Scheduler s = schedulers.get(i);
            MockTransport t = transports.get(i);
            Random random = sim.newRandom();
            try {
                t.start(new TransportListener() {
                    @Override
                    public void onPacket(Packet p) {
                        s.execute(() -> {
                            String msg = new String(p.buf(), UTF_8);
                            log.add(sim.nanoTime() + " " + me + " got " + msg + " from " + p.from());
                            if (msg.startsWith("ping")) {
                                t.writeToAddress(bytes("ack" + msg.substring(4)), Address.of(p.from()));
                            }
                        });
                    }

                    @Override
                    public void onStream(StreamConnection c) {
                        c.startReading(new StreamConnection.Reader() {
                            @Override
                            public void onData(byte[] chunk) {
                                s.execute(() -> {
                                    log.add(sim.nanoTime() + " " + me + " stream " + new String(chunk, UTF_8));
                                    c.write(bytes("echo-" + new String(chunk, UTF_8)));
                                });
                            }

                            @Override
                            public void onClose(Throwable cause) {
                                s.execute(() -> {
                                    log.add(sim.nanoTime() + " " + me + " stream closed");
                                    c.close();
                                });
                            }
                        });
                    }
                });
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            int[] seq = {0};
            Runnable[] tick = new Runnable[1];
            tick[0] = () -> {
                MockTransport peer = transports.get(random.nextInt(n));
                int k = seq[0]++;
                if (random.nextInt(10) == 0) {
                    t.dialAddress(peer.address(), Duration.ofSeconds(1))
                            .thenAccept(c -> s.execute(() -> {
                                c.startReading(new StreamConnection.Reader() {
                                    @Override
                                    public void onData(byte[] chunk) {
                                        s.execute(() -> log.add(
                                                sim.nanoTime() + " " + me + " reply " + new String(chunk, UTF_8)));
                                    }

                                    @Override
                                    public void onClose(Throwable cause) {
                                        s.execute(() -> log.add(sim.nanoTime() + " " + me + " reply closed"));
                                    }
                                });
                                c.write(bytes(me + "-req" + k));
                                c.write(bytes(me + "-more" + k));
                                s.schedule(c::close, 20, TimeUnit.MILLISECONDS);
                            }));
                } else {
                    t.writeToAddress(bytes("ping" + me + "-" + k), peer.address());
                }
                s.schedule(tick[0], 1 + random.nextInt(30), TimeUnit.MILLISECONDS);
            };
            s.schedule(tick[0], random.nextInt(30), TimeUnit.MILLISECONDS);
        }
        sim.runFor(Duration.ofSeconds(2));
        return log;
    }

    // ---- real time ----

    /** Two nodes on real protocol threads: the listener hands off, the answer comes back. */
    @Test
    void realTimeWithTwoStrands() throws Exception {
        MockNetwork net = new MockNetwork();
        Strand sa = new Strand("mock-a");
        Strand sb = new Strand("mock-b");
        try {
            MockTransport a = net.newTransport("a");
            MockTransport b = net.newTransport("b");
            List<String> atA = Collections.synchronizedList(new ArrayList<>());
            a.start(new TransportListener() {
                @Override
                public void onPacket(Packet p) {
                    sa.execute(() -> atA.add(new String(p.buf(), UTF_8) + (sa.inSchedulerThread() ? "" : "!")));
                }

                @Override
                public void onStream(StreamConnection c) {
                    c.close();
                }
            });
            b.start(new TransportListener() {
                @Override
                public void onPacket(Packet p) {
                    sb.execute(() -> b.writeToAddress(bytes("pong"), Address.of(p.from())));
                }

                @Override
                public void onStream(StreamConnection c) {
                    c.startReading(new StreamConnection.Reader() {
                        @Override
                        public void onData(byte[] chunk) {
                            String req = new String(chunk, UTF_8);
                            sb.execute(() -> {
                                c.write(bytes(req.toUpperCase()));
                                c.close();
                            });
                        }

                        @Override
                        public void onClose(Throwable cause) {}
                    });
                }
            });

            sa.execute(() -> a.writeToAddress(bytes("ping"), b.address()));
            await().atMost(Duration.ofSeconds(5)).until(() -> atA.contains("pong"));

            Collector reply = new Collector();
            StreamConnection c = a.dialAddress(b.address(), TIMEOUT).get(5, TimeUnit.SECONDS);
            c.startReading(reply);
            c.write(bytes("hello"));
            await().atMost(Duration.ofSeconds(5)).until(() -> reply.closed);
            assertThat(reply.data).hasToString("HELLO");
            assertThat(reply.closes).containsExactly((Throwable) null);
        } finally {
            sa.shutdown();
            sb.shutdown();
        }
    }

    /** Concurrent writers on both ends in real time: every byte arrives once, each direction in order per writer. */
    @Test
    void realTimeConcurrentStreamTraffic() throws Exception {
        MockNetwork net = new MockNetwork();
        Inbox ib = new Inbox();
        MockTransport a = started(net, "a", new Inbox());
        started(net, "b", ib);
        StreamConnection client =
                a.dialAddress(new Address(loopback(1), "b"), TIMEOUT).get();
        StreamConnection server = ib.streams.get(0);
        Collector atServer = new Collector();
        Collector atClient = new Collector();

        int count = 2000;
        Thread w1 = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                client.write(bytes("c"));
            }
        });
        Thread w2 = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                server.write(bytes("s"));
            }
        });
        w1.start();
        w2.start();
        server.startReading(atServer);
        client.startReading(atClient);
        w1.join();
        w2.join();

        assertThat(atServer.data.length()).isEqualTo(count);
        assertThat(atClient.data.length()).isEqualTo(count);
    }
}
