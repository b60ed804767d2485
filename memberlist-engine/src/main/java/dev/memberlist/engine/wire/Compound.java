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
        Spans spans = decodeCompoundSpans(buf, off, len);
        List<byte[]> parts = new ArrayList<>(spans.count());
        for (int i = 0; i < spans.count(); i++) {
            parts.add(Arrays.copyOfRange(buf, spans.offset(i), spans.offset(i) + spans.length(i)));
        }
        return new Parts(parts, spans.truncated());
    }

    /**
     * Where the parts of a compound lie in {@code buf}: {@link #decodeCompoundMessage} without
     * copying them, for a reader that reads them in place.
     *
     * @param at offset and length of each part, in pairs
     * @param count how many parts are complete
     * @param truncated how many declared parts were missing
     */
    public record Spans(int[] at, int count, int truncated) {
        /** Where part {@code i} starts, its type byte first. */
        public int offset(int i) {
            return at[2 * i];
        }

        /** How long part {@code i} is. */
        public int length(int i) {
            return at[2 * i + 1];
        }
    }

    /**
     * Decodes what follows type byte 7 into where its parts lie.
     *
     * @throws DecodeException when the count byte or the length table is missing
     */
    public static Spans decodeCompoundSpans(byte[] buf, int off, int len) throws DecodeException {
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
        int[] at = new int[2 * numParts];
        for (int idx = 0; idx < numParts; idx++) {
            int msgLen = (buf[lengths + 2 * idx] & 0xff) << 8 | (buf[lengths + 2 * idx + 1] & 0xff);
            if (end - p < msgLen) {
                return new Spans(at, idx, numParts - idx);
            }
            at[2 * idx] = p;
            at[2 * idx + 1] = msgLen;
            p += msgLen;
        }
        return new Spans(at, numParts, 0);
    }
}
