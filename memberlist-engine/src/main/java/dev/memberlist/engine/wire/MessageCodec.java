package dev.memberlist.engine.wire;

/**
 * msgpack encoding of every memberlist message, byte for byte as Go memberlist 0.2.x-0.5.0
 * writes it (go-msgpack v0.5: maps keyed by sorted field names, strings and byte slices as
 * legacy raw strings, never str8 or bin, non-negative ints as unsigned), and decoding of
 * everything Go emits (any int family, str or bin for bytes, unknown keys skipped).
 */
public final class MessageCodec {
    private MessageCodec() {}

    /** The type byte (when {@link Message#type()} is not null) followed by the msgpack body. */
    public static byte[] encode(Message m) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The msgpack body alone. */
    public static byte[] encodeBody(Message m) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Decodes one body of the given class from {@code buf[off, off + len)}. Trailing bytes are ignored.
     *
     * @throws DecodeException on anything malformed; never any other exception
     */
    public static <T extends Message> T decode(Class<T> type, byte[] buf, int off, int len) throws DecodeException {
        throw new UnsupportedOperationException("TODO");
    }

    /** A push-pull stream message: {@code [6]}, header, node states, raw user state. */
    public static byte[] encodePushPull(PushPull p) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Decodes what follows type byte 6 in a push-pull stream.
     *
     * @throws DecodeException when malformed, truncated, or over {@link Limits}
     */
    public static PushPull decodePushPull(byte[] buf, int off, int len) throws DecodeException {
        throw new UnsupportedOperationException("TODO");
    }

    /** A user-message stream message: {@code [8]}, header, raw message. */
    public static byte[] encodeUserMsgStream(byte[] msg) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Decodes what follows type byte 8 in a stream: the user message.
     *
     * @throws DecodeException when malformed, truncated, or over {@link Limits#MAX_USER_MSG_BYTES}
     */
    public static byte[] decodeUserMsgStream(byte[] buf, int off, int len) throws DecodeException {
        throw new UnsupportedOperationException("TODO");
    }
}
