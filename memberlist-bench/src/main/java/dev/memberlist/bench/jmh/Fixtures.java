package dev.memberlist.bench.jmh;

import dev.memberlist.engine.wire.AckResp;
import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.Dead;
import dev.memberlist.engine.wire.IndirectPingReq;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.NackResp;
import dev.memberlist.engine.wire.Ping;
import dev.memberlist.engine.wire.PushNodeState;
import dev.memberlist.engine.wire.PushPull;
import dev.memberlist.engine.wire.Suspect;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Messages as a LAN cluster exchanges them: node names, IPv4 addresses, short metadata. */
final class Fixtures {
    static final byte[] IP = {10, 0, 0, 17};
    static final byte[] VSN = {1, 5, 2, 0, 0, 0};
    static final byte[] META = "zone=eu-west-1a,role=api".getBytes(StandardCharsets.UTF_8);
    static final byte[] KEY = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private Fixtures() {}

    static Ping ping() {
        return new Ping(123_456, "node-0042", IP, 7946, "node-0007");
    }

    static IndirectPingReq indirectPing() {
        return new IndirectPingReq(123_456, IP, 7946, "node-0042", true, IP, 7946, "node-0007");
    }

    static AckResp ack() {
        return new AckResp(123_456, null);
    }

    static NackResp nack() {
        return new NackResp(123_456);
    }

    static Suspect suspect() {
        return new Suspect(17, "node-0042", "node-0007");
    }

    static Alive alive() {
        return new Alive(17, "node-0042", IP, 7946, META, VSN);
    }

    static Dead dead() {
        return new Dead(17, "node-0042", "node-0007");
    }

    static PushPull pushPull(int nodes) {
        List<PushNodeState> list = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            byte[] ip = {10, 0, (byte) (i >> 8), (byte) i};
            list.add(new PushNodeState(
                    String.format("node-%04d", i), ip, 7946, META, 1 + i % 5, i % 7 == 0 ? 1 : 0, VSN));
        }
        return new PushPull(false, list, null);
    }

    /** A user message of the size of a small application broadcast. */
    static byte[] userMsg() {
        byte[] b = new byte[128];
        new Random(1).nextBytes(b);
        return b;
    }

    /** Ten gossip messages, as a busy node piggybacks them on a probe. */
    static List<byte[]> tenParts() {
        List<byte[]> parts = new ArrayList<>();
        parts.add(MessageCodec.encode(ping()));
        for (int i = 0; i < 9; i++) {
            parts.add(
                    i % 3 == 0
                            ? MessageCodec.encode(new Alive(i, "node-" + i, IP, 7946, META, VSN))
                            : MessageCodec.encode(new Suspect(i, "node-" + i, "node-0007")));
        }
        return parts;
    }

    /**
     * Compressible payload of about {@code size} bytes made of real messages: gossip for a packet,
     * a push-pull of the nodes that fit for a stream.
     */
    static byte[] payload(int size) {
        if (size <= 1400) {
            byte[] compound = dev.memberlist.engine.wire.Compound.makeCompoundMessage(tenParts());
            return java.util.Arrays.copyOf(compound, Math.min(size, compound.length));
        }
        byte[] pp = MessageCodec.encodePushPull(pushPull(size / 90 + 1));
        return java.util.Arrays.copyOf(pp, size);
    }
}
