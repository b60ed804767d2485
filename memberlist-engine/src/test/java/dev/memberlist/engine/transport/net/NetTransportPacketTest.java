package dev.memberlist.engine.transport.net;

import static dev.memberlist.engine.transport.net.NetFixture.addressOf;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.transport.TransportListener;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NetTransportPacketTest {
    private final NetFixture net = new NetFixture();

    @AfterEach
    void shutDown() {
        net.close();
    }

    @Test
    void packetsGoBothWaysFromTheBindPort() throws Exception {
        Recorders.Listener la = new Recorders.Listener();
        Recorders.Listener lb = new Recorders.Listener();
        NetTransport a = net.start("127.0.0.1", la);
        NetTransport b = net.start("127.0.0.1", lb);
        assertThat(a.boundPort()).isPositive().isNotEqualTo(b.boundPort());

        a.writeToAddress("ping".getBytes(UTF_8), addressOf(b, "127.0.0.1")).get(10, TimeUnit.SECONDS);
        Packet atB = lb.nextPacket();
        assertThat(atB.buf()).asString(UTF_8).isEqualTo("ping");
        assertThat(atB.from().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(atB.from().getPort()).isEqualTo(a.boundPort());

        b.writeToAddress("ack".getBytes(UTF_8), addressOf(a, "127.0.0.1")).get(10, TimeUnit.SECONDS);
        Packet atA = la.nextPacket();
        assertThat(atA.buf()).asString(UTF_8).isEqualTo("ack");
        assertThat(atA.from().getPort()).isEqualTo(b.boundPort());
    }

    @Test
    void theLargestIpv4DatagramArrivesWhole() throws Exception {
        Recorders.Listener lb = new Recorders.Listener();
        NetTransport a = net.start("127.0.0.1", new Recorders.Listener());
        NetTransport b = net.start("127.0.0.1", lb);
        byte[] big = new byte[65_507]; // 65535 - IPv4 header - UDP header
        new Random(1).nextBytes(big);

        a.writeToAddress(big.clone(), addressOf(b, "127.0.0.1")).get(10, TimeUnit.SECONDS);

        assertThat(lb.nextPacket().buf()).isEqualTo(big);
    }

    @Test
    void aTooLargeDatagramFailsTheFutureWithoutThrowing() throws Exception {
        NetTransport a = net.start("127.0.0.1", new Recorders.Listener());
        NetTransport b = net.start("127.0.0.1", new Recorders.Listener());

        var sent = a.writeToAddress(new byte[70_000], addressOf(b, "127.0.0.1"));

        await().atMost(Duration.ofSeconds(10)).until(sent::isDone);
        assertThat(sent).isCompletedExceptionally();
        assertThat(a.stats().pktsOut()).isZero();
    }

    @Test
    void statsCountPacketsAndTheirBytes() throws Exception {
        Recorders.Listener lb = new Recorders.Listener();
        NetTransport a = net.start("127.0.0.1", new Recorders.Listener());
        NetTransport b = net.start("127.0.0.1", lb);

        for (int size : new int[] {1, 100, 1400}) {
            a.writeToAddress(new byte[size], addressOf(b, "127.0.0.1")).get(10, TimeUnit.SECONDS);
        }
        for (int i = 0; i < 3; i++) {
            lb.nextPacket();
        }

        assertThat(a.stats()).isEqualTo(new NetTransport.Stats(1501, 0, 3, 0));
        assertThat(b.stats()).isEqualTo(new NetTransport.Stats(0, 1501, 0, 3));
    }

    @Test
    void aThrowingListenerIsCountedAndTheSocketKeepsReceiving() throws Exception {
        Recorders.Listener inner = new Recorders.Listener();
        TransportListener throwsOnFirst = new TransportListener() {
            private boolean thrown;

            @Override
            public void onPacket(Packet packet) {
                if (!thrown) {
                    thrown = true;
                    throw new IllegalStateException("boom");
                }
                inner.onPacket(packet);
            }

            @Override
            public void onStream(dev.memberlist.engine.transport.StreamConnection connection) {}
        };
        NetTransport a = net.start("127.0.0.1", new Recorders.Listener());
        NetTransport b = new NetTransport(
                NetTransportConfig.builder().bindAddrs("127.0.0.1").build());
        try {
            b.start(throwsOnFirst);
            a.writeToAddress("one".getBytes(UTF_8), addressOf(b, "127.0.0.1")).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> b.errorCount() == 1);
            a.writeToAddress("two".getBytes(UTF_8), addressOf(b, "127.0.0.1")).get(10, TimeUnit.SECONDS);

            assertThat(inner.nextPacket().buf()).asString(UTF_8).isEqualTo("two");
        } finally {
            b.shutdown();
        }
    }

    @Test
    void packetsTravelOverIpv6Loopback() throws Exception {
        // this host has ::1 (checked with `ip -6 addr`): a bind failure here is a real failure
        Recorders.Listener la = new Recorders.Listener();
        Recorders.Listener lb = new Recorders.Listener();
        NetTransport a = net.start("::1", la);
        NetTransport b = net.start("::1", lb);

        a.writeToAddress("hello6".getBytes(UTF_8), addressOf(b, "::1")).get(10, TimeUnit.SECONDS);
        Packet atB = lb.nextPacket();
        assertThat(atB.buf()).asString(UTF_8).isEqualTo("hello6");
        assertThat(atB.from().getAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(atB.from().getPort()).isEqualTo(a.boundPort());

        b.writeToAddress("back6".getBytes(UTF_8), addressOf(a, "::1")).get(10, TimeUnit.SECONDS);
        assertThat(la.nextPacket().from().getPort()).isEqualTo(b.boundPort());
        assertThat(a.finalAdvertiseAddr("", 0).ip()).hasSize(16);
    }
}
