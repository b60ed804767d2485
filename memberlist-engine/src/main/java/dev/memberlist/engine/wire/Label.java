package dev.memberlist.engine.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Cluster labels (Go v0.3.0+ label.go): {@code [244][len 1..255][label]} before a packet or stream. */
public final class Label {
    /** Longest label, in UTF-8 bytes. */
    static final int MAX_LABEL_SIZE = 255;

    private static final byte[] EMPTY = new byte[0];

    private Label() {}

    /**
     * A packet with its label removed.
     *
     * @param payload the bytes after the header (the whole packet when unlabeled)
     * @param label the label, empty when there was none
     */
    public record Unwrapped(byte[] payload, String label) {}

    /**
     * The header for a label, empty for an empty label.
     *
     * @throws IllegalArgumentException when the label is longer than 255 bytes
     */
    public static byte[] header(String label) {
        if (label == null || label.isEmpty()) {
            return EMPTY;
        }
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        if (l.length > MAX_LABEL_SIZE) {
            throw new IllegalArgumentException("label \"" + label + "\" is too long");
        }
        byte[] h = new byte[2 + l.length];
        h[0] = (byte) MessageType.HAS_LABEL.code();
        h[1] = (byte) l.length;
        System.arraycopy(l, 0, h, 2, l.length);
        return h;
    }

    /**
     * The packet with the label header prefixed; unchanged for an empty label.
     *
     * @throws IllegalArgumentException when the label is longer than 255 bytes
     */
    public static byte[] addLabelHeaderToPacket(byte[] buf, String label) {
        if (label == null || label.isEmpty()) {
            return buf;
        }
        byte[] h = header(label);
        byte[] out = Arrays.copyOf(h, h.length + buf.length);
        System.arraycopy(buf, 0, out, h.length, buf.length);
        return out;
    }

    /**
     * Splits a received packet into label and payload.
     *
     * @throws DecodeException when a header is present but empty or truncated
     */
    public static Unwrapped removeLabelHeaderFromPacket(byte[] buf) throws DecodeException {
        if (buf.length == 0 || (buf[0] & 0xff) != MessageType.HAS_LABEL.code()) {
            return new Unwrapped(buf, "");
        }
        if (buf.length < 2) {
            throw new DecodeException("cannot decode label; packet has been truncated");
        }
        int size = buf[1] & 0xff;
        if (size < 1) {
            throw new DecodeException("label header cannot be empty when present");
        }
        if (buf.length < 2 + size) {
            throw new DecodeException("cannot decode label; packet has been truncated");
        }
        String label = new String(buf, 2, size, StandardCharsets.UTF_8);
        return new Unwrapped(Arrays.copyOfRange(buf, 2 + size, buf.length), label);
    }
}
