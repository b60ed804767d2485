package dev.memberlist.engine.transport.net;

import static dev.memberlist.engine.transport.net.NetFixture.addressOf;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.interop.Ports;
import dev.memberlist.engine.transport.AdvertiseAddress;
import dev.memberlist.engine.transport.StreamConnection;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NetTransportLifecycleTest {
    private final NetFixture net = new NetFixture();

    @AfterEach
    void shutDown() {
        net.close();
    }

    private static NetTransportConfig on(String addr, int port) {
        return NetTransportConfig.builder().bindAddrs(addr).bindPort(port).build();
    }

    @Test
    void aTakenFixedPortFailsNamingAddressAndPort() throws Exception {
        NetTransport first = net.start("127.0.0.1", new Recorders.Listener());
        int port = first.boundPort();

        assertThatThrownBy(() -> net.start(on("127.0.0.1", port), new Recorders.Listener()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("\"127.0.0.1\"")
                .hasMessageContaining("port " + port);
    }

    @Test
    void aTcpOnlyClashFailsAndReleasesTheUdpPort() throws Exception {
        try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = tcp.getLocalPort();

            assertThatThrownBy(() -> net.start(on("127.0.0.1", port), new Recorders.Listener()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("TCP listener on \"127.0.0.1\" port " + port);
            // the UDP socket bound before the failure was closed again; NIO releases the port of a
            // channel closed while registered with a selector only when its event loop deregisters it
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(20))
                    .untilAsserted(() -> {
                        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                            assertThat(udp.getLocalPort()).isEqualTo(port);
                        }
                    });
        }
    }

    @Test
    void anAddressNotOnThisHostFailsNamingIt() {
        assertThatThrownBy(() -> net.start(on("192.0.2.123", 0), new Recorders.Listener()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("\"192.0.2.123\"");
    }

    @Test
    void everyBindAddressGetsTheSamePort() throws Exception {
        Recorders.Listener l = new Recorders.Listener();
        NetTransport multi = net.start(
                NetTransportConfig.builder().bindAddrs("127.0.0.1", "::1").build(), l);
        NetTransport peer4 = net.start("127.0.0.1", new Recorders.Listener());
        NetTransport peer6 = net.start("::1", new Recorders.Listener());

        peer4.writeToAddress("v4".getBytes(UTF_8), addressOf(multi, "127.0.0.1"));
        peer6.writeToAddress("v6".getBytes(UTF_8), addressOf(multi, "::1"));

        List<String> got = new ArrayList<>();
        got.add(new String(l.nextPacket().buf(), UTF_8));
        got.add(new String(l.nextPacket().buf(), UTF_8));
        assertThat(got).containsExactlyInAnyOrder("v4", "v6");
        peer6.dialAddress(addressOf(multi, "::1"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        assertThat(l.nextStream().remoteAddress().getAddress()).isEqualTo(InetAddress.getByName("::1"));
    }

    @Test
    void startTwiceIsRefused() throws Exception {
        NetTransport t = net.start("127.0.0.1", new Recorders.Listener());
        assertThatThrownBy(() -> t.start(new Recorders.Listener())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shutdownIsIdempotentFailsLaterCallsQuietlyAndFreesThePort() throws Exception {
        Recorders.Listener lb = new Recorders.Listener();
        // a port below the kernel's ephemeral range: between the shutdown and the rebind below no
        // other socket's bind(0) or outgoing connection can take it (one did, in a full run)
        NetTransport a = net.start(on("127.0.0.1", Ports.freeRange(1)), new Recorders.Listener());
        NetTransport b = net.start("127.0.0.1", lb);
        StreamConnection open =
                a.dialAddress(addressOf(b, "127.0.0.1"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        Recorders.Reader reader = new Recorders.Reader();
        open.startReading(reader);
        lb.nextStream();
        int port = a.boundPort();

        a.shutdown();
        assertThatCode(a::shutdown).doesNotThrowAnyException();

        assertThat(reader.awaitClose()).isNull(); // its stream was closed too
        CompletableFuture<Void> write = a.writeToAddress(new byte[] {1}, addressOf(b, "127.0.0.1"));
        assertThat(write).isCompletedExceptionally();
        assertThatThrownBy(write::get).isInstanceOf(ExecutionException.class).hasMessageContaining("shut down");
        assertThat(a.dialAddress(addressOf(b, "127.0.0.1"), Duration.ofSeconds(1)))
                .isCompletedExceptionally();

        NetTransport again = net.start(on("127.0.0.1", port), new Recorders.Listener());
        assertThat(again.boundPort()).isEqualTo(port);
    }

    @Test
    void manyTransportsShareTheEventLoopThreads() throws Exception {
        for (int i = 0; i < 20; i++) {
            net.start("127.0.0.1", new Recorders.Listener());
        }

        long netThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("memberlist-net"))
                .peek(t -> assertThat(t.isDaemon()).as(t.getName()).isTrue())
                .count();
        assertThat(netThreads).isBetween(1L, (long) Runtime.getRuntime().availableProcessors());
    }

    @Test
    void aSuppliedEventLoopGroupIsUsedAndLeftRunning() throws Exception {
        EventLoopGroup own = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Recorders.Listener l = new Recorders.Listener();
            NetTransport t = net.start(
                    NetTransportConfig.builder()
                            .bindAddrs("127.0.0.1")
                            .eventLoopGroup(own)
                            .build(),
                    l);
            NetTransport peer = net.start("127.0.0.1", new Recorders.Listener());
            peer.writeToAddress(new byte[] {42}, addressOf(t, "127.0.0.1")).get(10, TimeUnit.SECONDS);
            l.nextPacket();
            assertThat(own.next().inEventLoop(l.lastThread))
                    .as("delivered on the supplied group")
                    .isTrue();

            t.shutdown();

            assertThat(own.isShuttingDown()).isFalse();
            assertThat(own.submit(() -> 1).get(10, TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            own.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void anExplicitIpv4AdvertiseAddressIsFourBytes() throws Exception {
        NetTransport t = net.start("127.0.0.1", new Recorders.Listener());

        AdvertiseAddress adv = t.finalAdvertiseAddr("10.1.2.3", 7946);

        assertThat(adv.ip()).containsExactly(10, 1, 2, 3);
        assertThat(adv.port()).isEqualTo(7946);
        assertThat(t.finalAdvertiseAddr("::ffff:10.1.2.3", 7946).ip()).hasSize(4); // Go's To4()
        assertThat(t.finalAdvertiseAddr("10.1.2.3", 0).port()).isEqualTo(t.boundPort());
    }

    @Test
    void anExplicitIpv6AdvertiseAddressIsSixteenBytes() throws Exception {
        NetTransport t = net.start("127.0.0.1", new Recorders.Listener());

        AdvertiseAddress adv = t.finalAdvertiseAddr("::1", 8000);

        assertThat(adv.ip()).hasSize(16).isEqualTo(InetAddress.getByName("::1").getAddress());
        assertThat(adv.port()).isEqualTo(8000);
    }

    @Test
    void aDnsNameIsNotAnAdvertiseAddress() throws Exception {
        NetTransport t = net.start("127.0.0.1", new Recorders.Listener());

        assertThatThrownBy(() -> t.finalAdvertiseAddr("localhost", 7946))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("\"localhost\"")
                .hasMessageContaining("not an IP literal");
    }

    @Test
    void aSpecificBindAdvertisesTheBoundAddressAndPort() throws Exception {
        NetTransport t = net.start("127.0.0.1", new Recorders.Listener());

        AdvertiseAddress adv = t.finalAdvertiseAddr("", 0);

        assertThat(adv.ip()).containsExactly(127, 0, 0, 1);
        assertThat(adv.port()).isEqualTo(t.boundPort());
        // as in Go, a port without an IP is ignored: the bound port is what peers can reach
        assertThat(t.finalAdvertiseAddr(null, 9999).port()).isEqualTo(t.boundPort());
    }

    @Test
    void aWildcardBindAdvertisesThisHostsPrivateAddressOrFailsLikeGo() throws Exception {
        NetTransport t = net.start("0.0.0.0", new Recorders.Listener());
        List<InetAddress> privates = privateAddressesOfThisHost();

        if (privates.isEmpty()) {
            assertThatThrownBy(() -> t.finalAdvertiseAddr("", 0))
                    .isInstanceOf(IOException.class)
                    .hasMessage("No private IP address found, and explicit IP not provided");
            return;
        }
        AdvertiseAddress adv = t.finalAdvertiseAddr("", 0);
        // 16 bytes always: Go's net.ParseIP keeps IPv4 IPv4-mapped
        assertThat(adv.ip()).hasSize(16);
        assertThat(privates).contains(adv.inetAddress());
        if (privates.stream().anyMatch(a -> a instanceof Inet4Address)) {
            assertThat(adv.inetAddress()).isInstanceOf(Inet4Address.class);
        }
        assertThat(adv.port()).isEqualTo(t.boundPort());
    }

    /**
     * Checked independently of PrivateIp: RFC 1918, shared (100.64/10) and unique-local IPv6
     * addresses of up interfaces. (Go also accepts a few rarer blocks, such as 2002::/16, that
     * a test host is not expected to have.) This host has fd00::2 and the non-private 192.0.2.2.
     */
    private static List<InetAddress> privateAddressesOfThisHost() throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!i.isUp()) {
                continue;
            }
            for (InterfaceAddress ia : i.getInterfaceAddresses()) {
                InetAddress a = ia.getAddress();
                byte[] b = a.getAddress();
                boolean shared = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
                boolean uniqueLocal = b.length == 16 && (b[0] & 0xfe) == 0xfc;
                if ((a instanceof Inet4Address && a.isSiteLocalAddress()) || shared || uniqueLocal) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    @Test
    void configRefusesNamesAndEmptyBindLists() {
        assertThatThrownBy(() ->
                        NetTransportConfig.builder().bindAddrs("localhost").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("localhost");
        assertThatThrownBy(
                        () -> NetTransportConfig.builder().bindAddrs(List.of()).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(NetTransportConfig.defaults().bindAddrs()).containsExactly("0.0.0.0");
        assertThat(NetTransportConfig.defaults().bindPort()).isZero();
    }
}
