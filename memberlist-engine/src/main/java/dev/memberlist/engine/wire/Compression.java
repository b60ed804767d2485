package dev.memberlist.engine.wire;

/** The compress message: {@code [9] msgpack{Algo: 0, Buf: lzw(payload)}} (Go's compressPayload). */
public final class Compression {
    /** Go's {@code lzwAlgo}, the only algorithm. */
    static final int LZW_ALGO = 0;

    private Compression() {}

    /** The whole type-9 message for a payload. */
    public static byte[] compressPayload(byte[] payload) {
        return MessageCodec.encode(new Compress(LZW_ALGO, Lzw.compress(payload)));
    }

    /**
     * Decodes what follows type byte 9 and decompresses it.
     *
     * @throws DecodeException on malformed input, an unknown algorithm, an empty result, or output
     *     over {@link Limits#MAX_DECOMPRESSED_BYTES}
     */
    public static byte[] decompressPayload(byte[] buf, int off, int len) throws DecodeException {
        return decompressPayload(buf, off, len, Limits.MAX_DECOMPRESSED_BYTES);
    }

    /**
     * {@link #decompressPayload(byte[], int, int)} with a smaller limit.
     *
     * @throws LimitExceededException when the output would exceed {@code maxOut} bytes
     */
    public static byte[] decompressPayload(byte[] buf, int off, int len, int maxOut) throws DecodeException {
        // Read the compress struct in place: Buf is decompressed straight from the input.
        MsgReader r = MsgReader.acquire(buf, off, len);
        int[] c;
        try {
            c = MessageCodec.readCompressSpan(r);
        } finally {
            r.release();
        }
        if (c[0] != LZW_ALGO) {
            throw new DecodeException("cannot decompress unknown algorithm " + c[0]);
        }
        byte[] out = c[1] < 0
                ? Lzw.decompress(buf, off, 0, Math.min(maxOut, Limits.MAX_DECOMPRESSED_BYTES))
                : Lzw.decompress(buf, off + c[1], c[2], Math.min(maxOut, Limits.MAX_DECOMPRESSED_BYTES));
        if (out.length == 0) {
            throw new DecodeException("decompressed payload is empty");
        }
        return out;
    }
}
