package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memberlist.engine.wire.MessageType;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code sendBestEffort} sends what Go's SendBestEffort sends (a CRC for a node at protocol 5,
 * none below) and reports a packet it could not send, where it used to return nothing. Real
 * sockets: a node and a plain UDP socket that sees the bytes.
 */
class SendBestEffortTest {
    private Memberlist m;
    private DatagramSocket raw;

    @BeforeEach
    void start() throws Exception {
        m = Memberlist.create(Loopback.quiet("sender"));
        raw = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        raw.setSoTimeout(10_000);
    }

    @AfterEach
    void stop() {
        raw.close();
        m.shutdown();
    }

    private Node rawNode(int pMax) {
        byte[] vsn = {1, (byte) pMax, 2, 2, 5, 4};
        return new Node("raw", new byte[] {127, 0, 0, 1}, raw.getLocalPort(), null, NodeState.ALIVE, 1, vsn);
    }

    private byte[] receive() throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        raw.receive(p);
        byte[] b = new byte[p.getLength()];
        System.arraycopy(p.getData(), 0, b, 0, b.length);
        return b;
    }

    @Test
    void aNodeAtProtocolFiveGetsTheCrcGoAdds() throws Exception {
        m.sendBestEffort(rawNode(5), new byte[] {'h', 'i'});
        byte[] withCrc = receive();
        assertThat(withCrc[0]).isEqualTo((byte) MessageType.HAS_CRC.code());
        assertThat(withCrc).hasSize(1 + 4 + 3);
        assertThat(withCrc[5]).isEqualTo((byte) MessageType.USER.code());

        m.sendBestEffort(rawNode(4), new byte[] {'h', 'i'});
        assertThat(receive()).containsExactly(MessageType.USER.code(), 'h', 'i');
    }

    @Test
    void aPacketThatCannotBeSentIsReported() {
        // incompressible and over the 64 KiB a datagram can carry
        byte[] big = new byte[70_000];
        new Random(1).nextBytes(big);
        assertThatThrownBy(() -> m.sendBestEffort(rawNode(5), big)).isInstanceOf(MemberlistException.class);
        assertThat(m.sendToAddressAsync(
                        new Address(new java.net.InetSocketAddress("127.0.0.1", raw.getLocalPort()), "raw"), big))
                .failsWithin(Duration.ofSeconds(10));
    }
}
