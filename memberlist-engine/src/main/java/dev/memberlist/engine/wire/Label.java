package dev.memberlist.engine.wire;

/** Cluster labels (Go v0.3.0+ label.go): {@code [244][len 1..255][label]} before a packet or stream. */
public final class Label {
    private Label() {}

    /**
     * A packet with its label removed.
     *
     * @param payload the bytes after the header (the whole packet when unlabeled)
     * @param label the label, empty when there was none
     */
    public record Unwrapped(byte[] payload, String label) {}

    /** The header for a label, empty for an empty label. */
    public static byte[] header(String label) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The packet with the label header prefixed; unchanged for an empty label. */
    public static byte[] addLabelHeaderToPacket(byte[] buf, String label) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Splits a received packet into label and payload.
     *
     * @throws DecodeException when a header is present but empty or truncated
     */
    public static Unwrapped removeLabelHeaderFromPacket(byte[] buf) throws DecodeException {
        throw new UnsupportedOperationException("TODO");
    }
}
