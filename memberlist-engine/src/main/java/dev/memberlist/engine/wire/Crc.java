package dev.memberlist.engine.wire;

import java.util.zip.CRC32;

/** The CRC wrapper for packets to peers speaking protocol 5: {@code [12][crc32 IEEE BE][payload]}. */
public final class Crc {
    /** Type byte plus checksum. */
    static final int HEADER = 5;

    private Crc() {}

    /** Prefixes type 12 and the CRC-32 (IEEE) of the payload, big-endian. */
    public static byte[] addCrc(byte[] payload) {
        byte[] out = new byte[HEADER + payload.length];
        int sum = checksum(payload, 0, payload.length);
        out[0] = (byte) MessageType.HAS_CRC.code();
        out[1] = (byte) (sum >>> 24);
        out[2] = (byte) (sum >>> 16);
        out[3] = (byte) (sum >>> 8);
        out[4] = (byte) sum;
        System.arraycopy(payload, 0, out, HEADER, payload.length);
        return out;
    }

    /** True when {@code buf} is at least 5 bytes and starts with type 12. */
    public static boolean hasCrc(byte[] buf) {
        return buf.length >= HEADER && (buf[0] & 0xff) == MessageType.HAS_CRC.code();
    }

    /**
     * Checks the CRC of a buffer for which {@link #hasCrc} holds.
     *
     * @return true when the checksum over {@code buf[5..]} matches
     */
    public static boolean verify(byte[] buf) {
        if (!hasCrc(buf)) {
            return false;
        }
        int expected = (buf[1] & 0xff) << 24 | (buf[2] & 0xff) << 16 | (buf[3] & 0xff) << 8 | (buf[4] & 0xff);
        return checksum(buf, HEADER, buf.length - HEADER) == expected;
    }

    private static int checksum(byte[] b, int off, int len) {
        CRC32 crc = new CRC32();
        crc.update(b, off, len);
        return (int) crc.getValue();
    }
}
