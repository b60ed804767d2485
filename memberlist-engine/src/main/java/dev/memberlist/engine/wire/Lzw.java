package dev.memberlist.engine.wire;

/**
 * LZW exactly as Go's {@code compress/lzw} writes and reads it with LSB order and literal width
 * 8 (GIF-style): codes from 9 to 12 bits, clear code 256 emitted first and whenever the table
 * fills, EOF 257. No JVM library does this flavour, so it is written here.
 */
public final class Lzw {
    private Lzw() {}

    /** Compresses, byte for byte as Go's writer. */
    public static byte[] compress(byte[] in) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Decompresses; accepts streams with or without an initial clear code.
     *
     * @param maxOut the most bytes to produce before failing
     * @throws DecodeException on invalid codes, a missing EOF, or output over {@code maxOut}
     */
    public static byte[] decompress(byte[] in, int off, int len, int maxOut) throws DecodeException {
        throw new UnsupportedOperationException("TODO");
    }
}
