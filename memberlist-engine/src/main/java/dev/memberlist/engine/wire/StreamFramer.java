package dev.memberlist.engine.wire;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Finds where one stream message ends, so bytes arriving in chunks can be cut into whole
 * messages before they are handed to the protocol. A stream message is one of:
 * {@code [10][len u32 BE][len bytes]} (encrypted), {@code [9] msgpack compress} (compressed), or a
 * plain {@code [6]} push-pull, {@code [8]} user message, {@code [0]} ping, {@code [2]} ack or
 * {@code [13]} error. The label header is not part of a message.
 *
 * <p>Only headers are parsed: raw payloads (ciphertext, compressed buffer, user state, user message)
 * are measured by their declared lengths, never scanned, so calling this again as bytes trickle in
 * costs little. Declared lengths over {@link Limits} fail as soon as the header is complete.
 */
public final class StreamFramer {
    private static final byte[][] BUF_KEY = {"Buf".getBytes(StandardCharsets.US_ASCII)};

    private StreamFramer() {}

    /**
     * The length of the complete message starting at {@code buf[off]}, or -1 when more bytes are needed.
     *
     * @throws DecodeException when the bytes cannot start a valid message, or a declared length is over
     *     {@link Limits}
     */
    public static int frameLength(byte[] buf, int off, int len) throws DecodeException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < 1) {
            return -1;
        }
        int type = buf[off] & 0xff;
        if (type == MessageType.ENCRYPT.code()) {
            return encryptedLength(buf, off, len);
        }
        MsgReader r = new MsgReader(buf, off + 1, len - 1);
        try {
            long body;
            if (type == MessageType.COMPRESS.code()) {
                body = compressed(r);
            } else if (type == MessageType.PUSH_PULL.code()) {
                body = pushPull(r);
            } else if (type == MessageType.USER.code()) {
                body = userMsg(r);
            } else if (type == MessageType.PING.code()
                    || type == MessageType.ACK_RESP.code()
                    || type == MessageType.ERR.code()) {
                r.skip();
                body = r.position();
            } else {
                throw new DecodeException("invalid stream message type " + type);
            }
            if (body < 0 || body > len - 1) {
                return -1;
            }
            return 1 + (int) body;
        } catch (DecodeException e) {
            if (r.truncated()) {
                return -1;
            }
            throw e;
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

    /**
     * The compress map; Buf's payload is stepped over by its declared length. Buf is capped at
     * {@link Limits#MAX_DECOMPRESSED_BYTES}: LZW of anything we accept is smaller than that.
     */
    private static long compressed(MsgReader r) throws DecodeException {
        for (int i = r.readStructHeader(); i > 0; i--) {
            if (r.readKey(BUF_KEY) == 0) {
                int n = r.readRawHeader();
                if (n > Limits.MAX_DECOMPRESSED_BYTES) {
                    throw new DecodeException("compressed buffer is larger than limit (" + n + ")");
                }
                if (n > 0) {
                    r.skipPayload(n);
                }
            } else {
                r.skip();
            }
        }
        return r.position();
    }

    /** Header, {@code Nodes} node-state maps, then {@code UserStateLen} raw bytes. */
    private static long pushPull(MsgReader r) throws DecodeException {
        PushPullHeader h = (PushPullHeader) MessageCodec.read(PushPullHeader.class, r);
        MessageCodec.checkPushPullHeader(h);
        for (int i = 0; i < h.nodes(); i++) {
            r.skip();
        }
        return (long) r.position() + h.userStateLen();
    }

    /** Header, then {@code UserMsgLen} raw bytes. */
    private static long userMsg(MsgReader r) throws DecodeException {
        UserMsgHeader h = (UserMsgHeader) MessageCodec.read(UserMsgHeader.class, r);
        MessageCodec.checkUserMsgHeader(h);
        return (long) r.position() + h.userMsgLen();
    }
}
