package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.wire.Compound;
import dev.memberlist.engine.wire.Compression;
import dev.memberlist.engine.wire.Limits;
import dev.memberlist.engine.wire.MessageType;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One datagram of nested compressed parts: LZW squeezes 8 MiB of zeros into about 6 KB, so a
 * 60 KB datagram claims 80 MiB (Go bounds each decompression at 40 MiB, not the packet). It is
 * dropped once it has decoded {@link Limits#MAX_PACKET_DECODED_BYTES} (1 MiB), and counted; what
 * that cost is measured on the thread that decodes it. Real sockets for the count.
 */
class PacketBudgetTest {
    private Memberlist m;

    @AfterEach
    void stop() {
        if (m != null) {
            m.shutdown();
        }
    }

    /** A compound of compressed user messages of 8 MiB of zeros each, as big as a datagram allows. */
    private static byte[] bomb() {
        byte[] user = new byte[8 << 20];
        user[0] = (byte) MessageType.USER.code();
        byte[] part = Compression.compressPayload(user);
        List<byte[]> parts = new ArrayList<>();
        int size = 2;
        while (size + part.length + 2 < 60_000) {
            parts.add(part);
            size += part.length + 2;
        }
        return Compound.makeCompoundMessage(parts);
    }

    @Test
    void aDatagramThatInflatesPastItsBudgetIsDroppedAfterAMegabyte() throws Exception {
        LongAdder overBudget = new LongAdder();
        m = Memberlist.create(
                Loopback.quiet("target").setMetrics(Loopback.counting("memberlist.udp.dropped", "budget", overBudget)));
        byte[] bomb = bomb();
        int claimed = (bomb.length / 6_000) * 8;
        assertThat(bomb.length).isLessThan(60_000);

        // over a real socket: dropped and counted
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(bomb, bomb.length, m.advertiseAddress()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> overBudget.sum() == 1);

        // on this thread, as the I/O thread decodes it: what it allocates and how long it takes
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        InetSocketAddress from = new InetSocketAddress("127.0.0.1", 9);
        m.ctx.packets.ingestPacket(new Packet(bomb, from)); // warm: the decoder's buffers
        long bytes0 = threads.getThreadAllocatedBytes(tid);
        long t0 = System.nanoTime();
        m.ctx.packets.ingestPacket(new Packet(bomb, from));
        long nanos = System.nanoTime() - t0;
        long allocated = threads.getThreadAllocatedBytes(tid) - bytes0;
        System.out.printf(
                "a %d-byte datagram claiming about %d MiB: dropped after %d KiB allocated, %.2f ms%n",
                bomb.length, claimed, allocated / 1024, nanos / 1e6);
        assertThat(overBudget.sum()).isEqualTo(3);
        assertThat(allocated).isLessThan(4L << 20);
    }
}
