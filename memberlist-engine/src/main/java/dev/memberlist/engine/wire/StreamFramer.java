package dev.memberlist.engine.wire;

import java.util.Objects;

/**
 * Finds where one stream message ends, so bytes arriving in chunks can be cut into whole
 * messages before they are handed to the protocol. A stream message is one of:
 * {@code [10][len u32 BE][len bytes]} (encrypted), {@code [9] msgpack compress} (compressed), or a
 * plain {@code [6]} push-pull, {@code [8]} user message, {@code [0]} ping, {@code [2]} ack or
 * {@code [13]} error. The label header is not part of a message.
 *
 * <p>Only the msgpack structure is scanned, never decoded, and raw payloads (ciphertext,
 * compressed buffer, user state, user message, strings) are stepped over by their declared
 * lengths. With a {@link Progress} kept across calls, each call resumes where the last one
 * stopped, so a message arriving in many chunks is scanned about once, however many node states
 * it holds. Declared lengths over {@link Limits} fail as soon as their header is complete.
 */
public final class StreamFramer {
    /** No single msgpack value of a stream message is larger than the largest decompressed payload. */
    private static final long MAX_VALUE_BYTES = Limits.MAX_DECOMPRESSED_BYTES;

    private StreamFramer() {}

    /**
     * Where framing of one message has got to: pass the same instance with the same buffer start
     * on every call for that message, as more bytes arrive.
     */
    public static final class Progress {
        private int type = -1;
        /** Next byte to scan, relative to the message start. */
        private long pos;
        /** Msgpack values still to step over from {@link #pos}. */
        private long pending;
        /** False while the first value (the body, or the header of a push-pull or user message) is scanned. */
        private boolean headerDone;
        /** Raw bytes that follow the msgpack values (push-pull user state, user message). */
        private long tail;

        /** Progress for stepping over one value at {@code pos}; the rest is unused. */
        static Progress oneValueAt(long pos) {
            Progress p = new Progress();
            p.pos = pos;
            p.pending = 1;
            return p;
        }

        long position() {
            return pos;
        }
    }

    /**
     * The length of the complete message starting at {@code buf[off]}, or -1 when more bytes are needed.
     *
     * @throws DecodeException when the bytes cannot start a valid message, or a declared length is over
     *     {@link Limits}
     */
    public static int frameLength(byte[] buf, int off, int len) throws DecodeException {
        return frameLength(buf, off, len, new Progress());
    }

    /**
     * Like {@link #frameLength(byte[], int, int)}, resuming from {@code p}, which it updates.
     *
     * @param p this message's progress; new for the first call
     */
    public static int frameLength(byte[] buf, int off, int len, Progress p) throws DecodeException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < 1) {
            return -1;
        }
        int type = buf[off] & 0xff;
        if (type == MessageType.ENCRYPT.code()) {
            return encryptedLength(buf, off, len);
        }
        if (p.type < 0) {
            if (type == MessageType.COMPRESS.code()
                    || type == MessageType.PUSH_PULL.code()
                    || type == MessageType.USER.code()) {
                if (len < 2) {
                    return -1;
                }
                int f = buf[off + 1] & 0xff;
                if (f != 0xc0 && (f < 0x80 || f > 0x8f) && f != 0xde && f != 0xdf) {
                    throw new DecodeException("expected a msgpack map for a struct, got 0x" + Integer.toHexString(f));
                }
            } else if (type != MessageType.PING.code()
                    && type != MessageType.ACK_RESP.code()
                    && type != MessageType.ERR.code()) {
                throw new DecodeException("invalid stream message type " + type);
            }
            p.type = type;
            p.pos = 1;
            p.pending = 1;
        }
        if (!skip(buf, off, len, p)) {
            return -1;
        }
        if (!p.headerDone) {
            p.headerDone = true;
            if (type == MessageType.PUSH_PULL.code()) {
                PushPullHeader h = (PushPullHeader) MessageCodec.read(PushPullHeader.class, header(buf, off, p));
                MessageCodec.checkPushPullHeader(h);
                p.pending = h.nodes();
                p.tail = h.userStateLen();
                if (!skip(buf, off, len, p)) {
                    return -1;
                }
            } else if (type == MessageType.USER.code()) {
                UserMsgHeader h = (UserMsgHeader) MessageCodec.read(UserMsgHeader.class, header(buf, off, p));
                MessageCodec.checkUserMsgHeader(h);
                p.tail = h.userMsgLen();
            }
        }
        long total = p.pos + p.tail;
        return total <= len ? (int) total : -1;
    }

    /** A reader over the complete first value, just after the type byte. */
    private static MsgReader header(byte[] buf, int off, Progress p) {
        return new MsgReader(buf, off + 1, (int) p.pos - 1);
    }

    /**
     * Steps over {@code p.pending} msgpack values from {@code p.pos}, looking at headers only.
     *
     * @return true when they are all complete within {@code len} bytes; otherwise {@code p} holds
     *     where to resume
     */
    static boolean skip(byte[] buf, int off, int len, Progress p) throws DecodeException {
        long pos = p.pos;
        long pending = p.pending;
        try {
            while (pending > 0) {
                if (pos >= len) {
                    return false;
                }
                int at = off + (int) pos;
                int b = buf[at] & 0xff;
                int hdr = 1;
                int lenBytes = 0; // width of a length field at at + 1
                int kind = 0; // what the length counts: 0 payload bytes, 1 array items, 2 map entries
                long payload = 0;
                long children = 0;
                if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
                    // a fixint, nil or bool: the header is all
                } else if (b <= 0x8f) {
                    children = 2L * (b & 0x0f);
                } else if (b <= 0x9f) {
                    children = b & 0x0f;
                } else if (b <= 0xbf) {
                    payload = b & 0x1f;
                } else {
                    switch (b) {
                        case 0xc4, 0xd9 -> lenBytes = 1;
                        case 0xc5, 0xda -> lenBytes = 2;
                        case 0xc6, 0xdb -> lenBytes = 4;
                        case 0xc7 -> {
                            lenBytes = 1;
                            payload = 1; // the ext type byte
                        }
                        case 0xc8 -> {
                            lenBytes = 2;
                            payload = 1;
                        }
                        case 0xc9 -> {
                            lenBytes = 4;
                            payload = 1;
                        }
                        case 0xca, 0xce, 0xd2 -> hdr = 5;
                        case 0xcb, 0xcf, 0xd3 -> hdr = 9;
                        case 0xcc, 0xd0 -> hdr = 2;
                        case 0xcd, 0xd1 -> hdr = 3;
                        case 0xd4 -> hdr = 3;
                        case 0xd5 -> hdr = 4;
                        case 0xd6 -> hdr = 6;
                        case 0xd7 -> hdr = 10;
                        case 0xd8 -> hdr = 18;
                        case 0xdc -> {
                            lenBytes = 2;
                            kind = 1;
                        }
                        case 0xdd -> {
                            lenBytes = 4;
                            kind = 1;
                        }
                        case 0xde -> {
                            lenBytes = 2;
                            kind = 2;
                        }
                        case 0xdf -> {
                            lenBytes = 4;
                            kind = 2;
                        }
                        default -> throw new DecodeException("malformed msgpack: never-used format byte 0xc1");
                    }
                }
                if (lenBytes > 0) {
                    if (pos + 1 + lenBytes > len) {
                        return false;
                    }
                    long n = 0;
                    for (int i = 1; i <= lenBytes; i++) {
                        n = n << 8 | (buf[at + i] & 0xff);
                    }
                    if (n > Integer.MAX_VALUE) {
                        throw new DecodeException("malformed msgpack: declared length " + n + " is too large");
                    }
                    hdr = 1 + lenBytes;
                    switch (kind) {
                        case 1 -> children = n;
                        case 2 -> children = 2 * n;
                        default -> {
                            // an ext's type byte is counted in payload already
                            payload += n;
                            if (n > MAX_VALUE_BYTES) {
                                throw new DecodeException("msgpack value of " + n + " bytes is larger than limit ("
                                        + MAX_VALUE_BYTES + ")");
                            }
                        }
                    }
                }
                pos += hdr + payload;
                pending += children - 1;
            }
            return pos <= len;
        } finally {
            p.pos = pos;
            p.pending = pending;
        }
    }

    /** {@code [10][len u32 BE][len bytes]}: the length is up front. */
    private static int encryptedLength(byte[] buf, int off, int len) throws DecodeException {
        if (len < 5) {
            return -1;
        }
        long n = (buf[off + 1] & 0xffL) << 24
                | (buf[off + 2] & 0xff) << 16
                | (buf[off + 3] & 0xff) << 8
                | (buf[off + 4] & 0xff);
        if (n > Limits.MAX_PUSH_STATE_BYTES) {
            throw new DecodeException("remote node state is larger than limit (" + n + ")");
        }
        int total = 5 + (int) n;
        return len >= total ? total : -1;
    }
}
