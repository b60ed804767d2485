package dev.memberlist.engine.wire;

/** The compress message: {@code [9] msgpack{Algo: 0, Buf: lzw(payload)}} (Go's compressPayload). */
public final class Compression {
    private Compression() {}

    /** The whole type-9 message for a payload. */
    public static byte[] compressPayload(byte[] payload) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Decodes what follows type byte 9 and decompresses it.
     *
     * @throws DecodeException on malformed input, an unknown algorithm, an empty result, or output
     *     over {@link Limits#MAX_DECOMPRESSED_BYTES}
     */
    public static byte[] decompressPayload(byte[] buf, int off, int len) throws DecodeException {
        throw new UnsupportedOperationException("TODO");
    }
}
