package dev.memberlist.engine.wire;

/**
 * Finds where one stream message ends, so bytes arriving in chunks can be cut into whole
 * messages before they are handed to the protocol. A stream message is one of:
 * {@code [10][len u32 BE][len bytes]} (encrypted), {@code [9] msgpack compress} (compressed), or a
 * plain {@code [6]} push-pull, {@code [8]} user message, {@code [0]} ping, {@code [2]} ack or
 * {@code [13]} error. The label header is not part of a message.
 */
public final class StreamFramer {
    private StreamFramer() {}

    /**
     * The length of the complete message starting at {@code buf[off]}, or -1 when more bytes are needed.
     *
     * @throws DecodeException when the bytes cannot start a valid message, or a declared length is over
     *     {@link Limits}
     */
    public static int frameLength(byte[] buf, int off, int len) throws DecodeException {
        throw new UnsupportedOperationException("TODO");
    }
}
