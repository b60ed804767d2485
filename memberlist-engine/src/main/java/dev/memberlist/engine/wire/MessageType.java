package dev.memberlist.engine.wire;

/** The first byte of every memberlist message (Go's {@code messageType}, net.go). */
public enum MessageType {
    PING(0),
    INDIRECT_PING(1),
    ACK_RESP(2),
    SUSPECT(3),
    ALIVE(4),
    DEAD(5),
    PUSH_PULL(6),
    COMPOUND(7),
    USER(8),
    COMPRESS(9),
    ENCRYPT(10),
    NACK_RESP(11),
    HAS_CRC(12),
    ERR(13),
    /** First byte of a labeled packet or stream; chosen not to collide with types or encryption versions. */
    HAS_LABEL(244);

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** The byte on the wire. */
    public int code() {
        return code;
    }

    /** The type for a byte, or null when it is not one. */
    public static MessageType fromCode(int code) {
        return code < 0 || code > 255 ? null : BY_CODE[code];
    }
}
