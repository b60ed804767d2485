package dev.memberlist.engine.wire;

/** The CRC wrapper for packets to peers speaking protocol 5: {@code [12][crc32 IEEE BE][payload]}. */
public final class Crc {
    private Crc() {}

    /** Prefixes type 12 and the CRC-32 (IEEE) of the payload, big-endian. */
    public static byte[] addCrc(byte[] payload) {
        throw new UnsupportedOperationException("TODO");
    }

    /** True when {@code buf} is at least 5 bytes and starts with type 12. */
    public static boolean hasCrc(byte[] buf) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Checks the CRC of a buffer for which {@link #hasCrc} holds.
     *
     * @return true when the checksum over {@code buf[5..]} matches
     */
    public static boolean verify(byte[] buf) {
        throw new UnsupportedOperationException("TODO");
    }
}
