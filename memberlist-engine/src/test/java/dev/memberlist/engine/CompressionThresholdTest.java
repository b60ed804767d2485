package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.wire.AckResp;
import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.Compound;
import dev.memberlist.engine.wire.Compression;
import dev.memberlist.engine.wire.Dead;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.MessageType;
import dev.memberlist.engine.wire.Ping;
import dev.memberlist.engine.wire.Suspect;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Packets shorter than {@link PacketLayer#MIN_COMPRESSIBLE} skip the trial compression Go makes
 * of every packet: this checks, over many realistic packets, that compression never shrinks one
 * that short, so skipping the trial never sends a byte more than Go would.
 */
class CompressionThresholdTest {
    private static final String[] NAMES = {
        "n-1", "node-17", "ip-10-0-3-17.eu-west-1.compute.internal", "cache-0", "go-42", "memberlist-node-a", "x"
    };

    @Test
    void compressionNeverShrinksARealisticPacketShorterThanTheThreshold() {
        Random r = new Random(8);
        int checked = 0;
        int shrunkAbove = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] msg = packet(r);
            byte[] compressed = Compression.compressPayload(msg);
            if (msg.length < PacketLayer.MIN_COMPRESSIBLE) {
                checked++;
                assertThat(compressed.length)
                        .as("a %d-byte packet compressed", msg.length)
                        .isGreaterThanOrEqualTo(msg.length);
            } else if (compressed.length < msg.length) {
                shrunkAbove++;
            }
        }
        assertThat(checked).as("short packets checked").isGreaterThan(10_000);
        assertThat(shrunkAbove)
                .as("longer packets do shrink: the check is not vacuous")
                .isPositive();
    }

    /** A packet as memberlist sends them: one message, or a compound of a few. */
    private static byte[] packet(Random r) {
        List<byte[]> parts = new ArrayList<>();
        int k = 1 + r.nextInt(r.nextBoolean() ? 1 : 6);
        for (int j = 0; j < k; j++) {
            String n = NAMES[r.nextInt(NAMES.length)] + (r.nextBoolean() ? "" : "-" + r.nextInt(1000));
            byte[] ip = {10, 0, (byte) r.nextInt(256), (byte) r.nextInt(256)};
            String other = NAMES[r.nextInt(NAMES.length)];
            parts.add(
                    switch (r.nextInt(6)) {
                        case 0 -> MessageCodec.encode(new Ping(r.nextInt(1 << 20), n, ip, 7946, other));
                        case 1 -> MessageCodec.encode(new AckResp(r.nextInt(1 << 20), null));
                        case 2 -> MessageCodec.encode(new Alive(
                                r.nextInt(100),
                                n,
                                ip,
                                7946,
                                r.nextBoolean() ? null : ("zone=eu-" + r.nextInt(3)).getBytes(StandardCharsets.UTF_8),
                                new byte[] {1, 5, 2, 0, 0, 0}));
                        case 3 -> MessageCodec.encode(new Suspect(r.nextInt(100), n, other));
                        case 4 -> MessageCodec.encode(new Dead(r.nextInt(100), n, n));
                        default -> user(r);
                    });
        }
        return parts.size() == 1 ? parts.get(0) : Compound.makeCompoundMessage(parts);
    }

    private static byte[] user(Random r) {
        byte[] u = new byte[1 + r.nextInt(40)];
        u[0] = (byte) MessageType.USER.code();
        for (int q = 1; q < u.length; q++) {
            u[q] = (byte) ('a' + r.nextInt(26));
        }
        return u;
    }
}
