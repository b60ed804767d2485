package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.interop.GoPeer;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.MessageType;
import dev.memberlist.engine.wire.PushNodeState;
import dev.memberlist.engine.wire.PushPull;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streams captured from Go memberlist 0.2.2, 0.5.0, 0.5.3 and 0.6.0 ({@code interop/go-wire-newer}):
 * each decodes to what its node sent. From 0.5.1 on Go writes ints of 128 and more in signed
 * forms ({@code d1 00 c9} for 201 where 0.2.2 writes {@code cc c9}), and re-sends an empty
 * {@code Meta} as {@code a0} where 0.2.2 sends {@code c0}.
 */
class NewerGoStreamsTest {
    private static final String NAME = "wire-node-name-longer-than-thirty-one-chars";

    private static byte[] read(String file) throws Exception {
        return Files.readAllBytes(
                GoPeer.projectRoot().resolve("interop/go-wire-newer").resolve(file));
    }

    private static PushPull pushPull(byte[] stream) throws Exception {
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("reader", null);
            StreamLayer.StreamMsg msg = m.ctx.streams.decodeFrame(stream);
            assertThat(msg.type()).isEqualTo(MessageType.PUSH_PULL);
            return MessageCodec.decodePushPull(msg.buf(), msg.off(), msg.len());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.2.2", "v0.5.0", "v0.5.3", "v0.6.0-go119patch"})
    void theJoinPushPullDecodes(String version) throws Exception {
        for (String kind : new String[] {"stream-pushpull-join-", "stream-pushpull-join-lzw-"}) {
            PushPull p = pushPull(read(kind + version + ".bin"));
            assertThat(p.join()).as(kind + version).isTrue();
            assertThat(p.nodes()).hasSize(1);
            PushNodeState self = p.nodes().get(0);
            assertThat(self.name()).isEqualTo(NAME);
            assertThat(self.meta()).hasSize(200).containsOnly((byte) 'm');
            assertThat(self.state()).isEqualTo(NodeState.ALIVE.code());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.2.2", "v0.5.0", "v0.5.3", "v0.6.0-go119patch"})
    void aPushPullOf201NodesDecodes(String version) throws Exception {
        PushPull p = pushPull(read("stream-pushpull-201nodes-" + version + ".bin"));
        assertThat(p.join()).isFalse();
        assertThat(p.nodes()).hasSize(201);
        assertThat(p.nodes()).extracting(PushNodeState::name).contains(NAME);
        // the fake nodes' empty Meta, as nil (0.2.2, 0.5.0) or as an empty string (0.5.3 on)
        for (PushNodeState n : p.nodes()) {
            if (!n.name().equals(NAME)) {
                assertThat(n.meta() == null || n.meta().length == 0)
                        .as(n.name())
                        .isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.2.2", "v0.5.0", "v0.5.3", "v0.6.0-go119patch"})
    void aUserMessageOf201BytesDecodes(String version) throws Exception {
        byte[] stream = read("stream-usermsg-len201-" + version + ".bin");
        try (GoHarness h = new GoHarness()) {
            Memberlist m = h.unstarted("reader", null);
            StreamLayer.StreamMsg msg = m.ctx.streams.decodeFrame(stream);
            assertThat(msg.type()).isEqualTo(MessageType.USER);
            byte[] user = MessageCodec.decodeUserMsgStream(msg.buf(), msg.off(), msg.len());
            byte[] expected = new byte[201];
            Arrays.fill(expected, (byte) 'u');
            expected[0] = 'U';
            assertThat(user).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.5.3", "v0.6.0-go119patch"})
    void newerGoWritesSignedIntsWhichWeRead(String version) throws Exception {
        // the header that differs from 0.2.2's: "UserMsgLen" d1 00 c9
        byte[] stream = read("stream-usermsg-len201-" + version + ".bin");
        assertThat(Arrays.copyOfRange(stream, 13, 16)).containsExactly(0xd1, 0x00, 0xc9);
        Path older = GoPeer.projectRoot().resolve("interop/go-wire-newer/stream-usermsg-len201-v0.2.2.bin");
        assertThat(Arrays.copyOfRange(Files.readAllBytes(older), 13, 15)).containsExactly(0xcc, 0xc9);
    }
}
