package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class CompressionTest {
    private static byte[] body(byte[] msg) {
        return java.util.Arrays.copyOfRange(msg, 1, msg.length);
    }

    @Test
    void compressDecompressPayload() throws DecodeException {
        // TestCompressDecompressPayload
        byte[] c = Compression.compressPayload("testing".getBytes(StandardCharsets.UTF_8));
        assertThat(c[0]).isEqualTo((byte) 9);
        assertThat(Compression.decompressPayload(c, 1, c.length - 1))
                .isEqualTo("testing".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decompressLimit() throws DecodeException {
        // Like Go HEAD's cap: 40 MiB comes out, one byte more is refused.
        byte[] atLimit = new byte[Limits.MAX_DECOMPRESSED_BYTES];
        byte[] c = Compression.compressPayload(atLimit);
        assertThat(c.length).isLessThan(100_000);
        assertThat(Compression.decompressPayload(c, 1, c.length - 1)).hasSize(Limits.MAX_DECOMPRESSED_BYTES);
        atLimit = null;

        byte[] over = Compression.compressPayload(new byte[Limits.MAX_DECOMPRESSED_BYTES + 1]);
        assertThatThrownBy(() -> Compression.decompressPayload(over, 1, over.length - 1))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("limit");
    }

    @Test
    void rejectsUnknownAlgorithmEmptyResultAndMissingBuf() throws IOException {
        byte[] lzw = Lzw.compress("x".getBytes(StandardCharsets.UTF_8));
        byte[] algo1 = body(MessageCodec.encode(new Compress(1, lzw)));
        assertThatThrownBy(() -> Compression.decompressPayload(algo1, 0, algo1.length))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("unknown algorithm 1");
        byte[] empty = Compression.compressPayload(new byte[0]);
        assertThatThrownBy(() -> Compression.decompressPayload(empty, 1, empty.length - 1))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("empty");
        byte[] nilBuf = body(MessageCodec.encode(new Compress(0, null)));
        assertThatThrownBy(() -> Compression.decompressPayload(nilBuf, 0, nilBuf.length))
                .isInstanceOf(DecodeException.class);
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(1).packString("Algo").packInt(0);
        byte[] noBuf = p.toByteArray();
        assertThatThrownBy(() -> Compression.decompressPayload(noBuf, 0, noBuf.length))
                .isInstanceOf(DecodeException.class);
        assertThatThrownBy(() -> Compression.decompressPayload(new byte[0], 0, 0))
                .isInstanceOf(DecodeException.class);
    }

    @Test
    void acceptsBinBufAndAnyKeyOrder() throws IOException, DecodeException {
        byte[] in = "hello compress".getBytes(StandardCharsets.UTF_8);
        byte[] lzw = Lzw.compress(in);
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(3).packString("Buf").packBinaryHeader(lzw.length).writePayload(lzw);
        p.packString("Extra").packArrayHeader(2).packInt(1).packString("x");
        p.packString("Algo").packLong(0);
        byte[] b = p.toByteArray();
        assertThat(Compression.decompressPayload(b, 0, b.length)).isEqualTo(in);
    }
}
