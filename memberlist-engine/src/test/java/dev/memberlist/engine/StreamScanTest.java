package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.PushNodeState;
import dev.memberlist.engine.wire.PushPull;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A stream message of many small msgpack values arriving in many chunks is scanned about once,
 * not once per chunk: before, a 15 MB push-pull of 200,000 node states in 64 KiB chunks took
 * the I/O thread over 7 s (each chunk re-scanned every node state so far), longer than the
 * default stream timeout; a peer trickling such a message could keep a thread busy for the
 * whole timeout.
 */
class StreamScanTest {
    @Test
    void manyNodeStatesInManyChunksAreScannedOnce() {
        List<PushNodeState> nodes = new ArrayList<>();
        byte[] vsn = {1, 5, 2, 0, 0, 0};
        for (int i = 0; i < 200_000; i++) {
            nodes.add(new PushNodeState(
                    "node-" + i, new byte[] {10, 0, (byte) (i >> 8), (byte) i}, 7946, null, 1, 0, vsn));
        }
        byte[] pp = MessageCodec.encodePushPull(new PushPull(false, nodes, new byte[100]));
        assertThat(pp.length).isGreaterThan(8 << 20);
        assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
            FrameReader r = new FrameReader(label -> true);
            for (int p = 0; p < pp.length; p += 16 * 1024) {
                r.onData(Arrays.copyOfRange(pp, p, Math.min(pp.length, p + 16 * 1024)));
            }
            assertThat(r.result()).isCompleted();
            assertThat(r.result().join().bytes()).hasSize(pp.length);
        });
    }

    @Test
    void aHostileValueTrickledByteByByteIsScannedOnce() {
        // a ping whose body is an array of 2 MiB nils, one byte per chunk
        int n = 2 << 20;
        byte[] msg = new byte[6 + n];
        msg[1] = (byte) 0xdd;
        msg[2] = (byte) (n >>> 24);
        msg[3] = (byte) (n >>> 16);
        msg[4] = (byte) (n >>> 8);
        msg[5] = (byte) n;
        Arrays.fill(msg, 6, msg.length, (byte) 0xc0);
        assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
            FrameReader r = new FrameReader();
            for (byte b : msg) {
                r.onData(new byte[] {b});
            }
            assertThat(r.result()).isCompleted();
            assertThat(r.result().join().bytes()).hasSize(msg.length);
        });
    }
}
