package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memberlist.engine.wire.Compression;
import dev.memberlist.engine.wire.DecodeException;
import dev.memberlist.engine.wire.Limits;
import dev.memberlist.engine.wire.Lzw;
import dev.memberlist.engine.wire.StreamFramer;
import java.lang.management.ManagementFactory;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Length fields that claim up to 2^32-1 bytes, at every place a stream or a compression has
 * one: nothing is allocated for a claim, only for bytes that arrived, and a claim over
 * {@link Limits} is refused as soon as it is read. (The msgpack decoders' own claims are in
 * {@code wire.RobustnessTest}; the fuzz tests check the same properties on generated input.)
 */
class HostileLengthsTest {
    private static final HexFormat HEX = HexFormat.of();
    /** Far below any claim tested, far above what the few bytes present need. */
    private static final long SMALL = 1 << 20;

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static int frame(String hex) throws DecodeException {
        byte[] b = HEX.parseHex(hex);
        return StreamFramer.frameLength(b, 0, b.length);
    }

    @Test
    void encryptedStreamLengthOverTheLimitIsRefusedAtOnce() throws DecodeException {
        frame("0a01400000" + "01");
        long before = allocated();
        for (String len : new String[] {"7fffffff", "ffffffff", "80000000", "01400001"}) {
            assertThatThrownBy(() -> frame("0a" + len + "01")).isInstanceOf(DecodeException.class);
        }
        // exactly 20 MiB is allowed: wait for it, holding nothing
        assertThat(frame("0a01400000" + "01")).isEqualTo(-1);
        assertThat(allocated() - before).isLessThan(SMALL);
    }

    @Test
    void compressedBufferClaimsAreBoundedByTheInput() {
        assertThatThrownBy(() -> frame("0982a4416c676f00a3427566c67fffffff010203"));
        long before = allocated();
        // {Algo: 0, Buf: bin32 of 2^31-1 bytes}, three of them present
        String body = "82a4416c676f00a3427566c67fffffff010203";
        // framing: over the 40 MiB cap at once; decompression: the claim is past the input
        assertThatThrownBy(() -> frame("09" + body)).isInstanceOf(DecodeException.class);
        byte[] b = HEX.parseHex(body);
        assertThatThrownBy(() -> Compression.decompressPayload(b, 0, b.length)).isInstanceOf(DecodeException.class);
        // a claim of exactly 40 MiB is a truncated message to the framer, nothing more
        assertThatCode(() -> assertThat(frame("0982a4416c676f00a3427566c602800000" + "00"))
                        .isEqualTo(-1))
                .doesNotThrowAnyException();
        assertThat(allocated() - before).isLessThan(SMALL);
    }

    @Test
    void pushPullAndUserMessageHeadersAtTheLimitsAllocateNothing() throws DecodeException {
        pushPullAndUserMessageHeaders(); // class loading and first-use buffers
        long before = allocated();
        pushPullAndUserMessageHeaders();
        assertThat(allocated() - before).isLessThan(SMALL);
    }

    private static void pushPullAndUserMessageHeaders() throws DecodeException {
        // {Join: true, Nodes: 1048576, UserStateLen: 20 MiB} and not one node yet
        assertThat(frame("0683a44a6f696ec3a54e6f646573ce00100000ac5573657253746174654c656ece01400000"))
                .isEqualTo(-1);
        // one more node or one more byte of state is refused
        assertThatThrownBy(() -> frame("0683a44a6f696ec3a54e6f646573ce00100001ac5573657253746174654c656ece00000000"))
                .isInstanceOf(DecodeException.class);
        assertThatThrownBy(() -> frame("0683a44a6f696ec3a54e6f646573ce00000000ac5573657253746174654c656ece01400001"))
                .isInstanceOf(DecodeException.class);
        // {UserMsgLen: 20 MiB}, then {UserMsgLen: 2^31-1}
        assertThat(frame("0881aa557365724d73674c656ece01400000")).isEqualTo(-1);
        assertThatThrownBy(() -> frame("0881aa557365724d73674c656ece7fffffff")).isInstanceOf(DecodeException.class);
    }

    @Test
    void frameReaderBuffersOnlyWhatArrived() {
        FrameReader r = new FrameReader(label -> true);
        long before = allocated();
        // a user message claiming 20 MiB, then 64 KiB of it in 1 KiB chunks
        r.onData(HEX.parseHex("0881aa557365724d73674c656ece01400000"));
        byte[] chunk = new byte[1024];
        for (int i = 0; i < 64; i++) {
            r.onData(chunk);
        }
        assertThat(r.result()).isNotDone();
        // the chunks themselves were allocated by the caller; the buffer at most doubles them
        assertThat(allocated() - before).isLessThan(4 * 64 * 1024 + SMALL);
        r.fail(new DecodeException("test over"));
    }

    @Test
    void lzwOutputStartsFromTheInputSizeNotTheLimit() throws DecodeException {
        byte[] c = Lzw.compress(new byte[] {1, 2, 3});
        Lzw.decompress(c, 0, c.length, Limits.MAX_DECOMPRESSED_BYTES);
        long before = allocated();
        // each call has 16 KiB of tables; an output sized by the limit would be 40 MiB
        for (int i = 0; i < 10; i++) {
            Lzw.decompress(c, 0, c.length, Limits.MAX_DECOMPRESSED_BYTES);
        }
        assertThat(allocated() - before).isLessThan(SMALL);
    }

    /**
     * 40 MiB + 1 of zeros compresses to about 60 KiB; it is refused once the output would pass the
     * limit. The output buffer doubles up to the limit on the way: about 2.5 times the limit in all.
     */
    @Test
    void decompressionBombStopsAtTheLimit() {
        byte[] bomb = Compression.compressPayload(new byte[Limits.MAX_DECOMPRESSED_BYTES + 1]);
        assertThat(bomb.length).isLessThan(Limits.UDP_PACKET_BUF_SIZE * 2);
        long before = allocated();
        assertThatThrownBy(() -> Compression.decompressPayload(bomb, 1, bomb.length - 1))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("exceeds the limit");
        assertThat(allocated() - before).isLessThan(3L * Limits.MAX_DECOMPRESSED_BYTES);
    }
}
