package dev.memberlist.engine.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Compound packets: {@code [7][n u8][len u16 BE]*n [msg]*n} (Go's util.go). */
public final class Compound {
    private static final int MAX_PART = 0xffff;

    private Compound() {}

    /**
     * The parts of a decoded compound.
     *
     * @param parts complete messages, each with its own type byte
     * @param truncated how many declared parts were missing
     */
    public record Parts(List<byte[]> parts, int truncated) {}

    /**
     * One compound message of at most 127 parts ({@link Limits#MAX_COMPOUND_PARTS_SENT}), type
     * byte 7 included.
     *
     * @throws IllegalArgumentException for more than 127 parts or a part over 65535 bytes, which
     *     some Go version would silently corrupt
     */
    public static byte[] makeCompoundMessage(List<byte[]> msgs) {
        int n = msgs.size();
        if (n > Limits.MAX_COMPOUND_PARTS_SENT) {
            throw new IllegalArgumentException(
                    "a compound holds at most " + Limits.MAX_COMPOUND_PARTS_SENT + " messages, got " + n);
        }
        int size = 2 + 2 * n;
        for (byte[] m : msgs) {
            if (m.length > MAX_PART) {
                throw new IllegalArgumentException("compound part too long: " + m.length);
            }
            size += m.length;
        }
        byte[] out = new byte[size];
        out[0] = (byte) MessageType.COMPOUND.code();
        out[1] = (byte) n;
        int p = 2;
        for (byte[] m : msgs) {
            out[p++] = (byte) (m.length >>> 8);
            out[p++] = (byte) m.length;
        }
        for (byte[] m : msgs) {
            System.arraycopy(m, 0, out, p, m.length);
            p += m.length;
        }
        return out;
    }

    /**
     * Compounds of at most 127 parts each, for any number of messages (Go v0.3.2+ splits at 255,
     * which Go 0.2.2 cannot read).
     */
    public static List<byte[]> makeCompoundMessages(List<byte[]> msgs) {
        int max = Limits.MAX_COMPOUND_PARTS_SENT;
        List<byte[]> out = new ArrayList<>((msgs.size() + max - 1) / max);
        for (int i = 0; i < msgs.size(); i += max) {
            out.add(makeCompoundMessage(msgs.subList(i, Math.min(msgs.size(), i + max))));
        }
        return out;
    }

    /**
     * Decodes what follows type byte 7.
     *
     * @throws DecodeException when the count byte or the length table is missing
     */
    public static Parts decodeCompoundMessage(byte[] buf, int off, int len) throws DecodeException {
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new IndexOutOfBoundsException("range [" + off + ", " + off + " + " + len + ") out of " + buf.length);
        }
        if (len < 1) {
            throw new DecodeException("missing compound length byte");
        }
        int numParts = buf[off] & 0xff;
        int p = off + 1;
        int end = off + len;
        // Go 0.2.2 computed numParts*2 in uint8 and could overflow here; HEAD uses int, as we do.
        if (end - p < numParts * 2) {
            throw new DecodeException("truncated len slice");
        }
        int lengths = p;
        p += numParts * 2;
        List<byte[]> parts = new ArrayList<>(numParts);
        for (int idx = 0; idx < numParts; idx++) {
            int msgLen = (buf[lengths + 2 * idx] & 0xff) << 8 | (buf[lengths + 2 * idx + 1] & 0xff);
            if (end - p < msgLen) {
                return new Parts(parts, numParts - idx);
            }
            parts.add(Arrays.copyOfRange(buf, p, p + msgLen));
            p += msgLen;
        }
        return new Parts(parts, 0);
    }
}
