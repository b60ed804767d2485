package dev.memberlist.engine.wire;

import java.util.List;

/** Compound packets: {@code [7][n u8][len u16 BE]*n [msg]*n} (Go's util.go). */
public final class Compound {
    private Compound() {}

    /**
     * The parts of a decoded compound.
     *
     * @param parts complete messages, each with its own type byte
     * @param truncated how many declared parts were missing
     */
    public record Parts(List<byte[]> parts, int truncated) {}

    /** One compound message of at most 255 parts, type byte 7 included. */
    public static byte[] makeCompoundMessage(List<byte[]> msgs) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Compounds of at most 255 parts each, for any number of messages (Go v0.3.2+). */
    public static List<byte[]> makeCompoundMessages(List<byte[]> msgs) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Decodes what follows type byte 7.
     *
     * @throws DecodeException when the count byte or the length table is missing
     */
    public static Parts decodeCompoundMessage(byte[] buf, int off, int len) throws DecodeException {
        throw new UnsupportedOperationException("TODO");
    }
}
