package dev.memberlist.engine;

import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.engine.scheduler.Cancellable;
import dev.memberlist.engine.security.Security;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.wire.AckResp;
import dev.memberlist.engine.wire.Compression;
import dev.memberlist.engine.wire.DecodeException;
import dev.memberlist.engine.wire.ErrResp;
import dev.memberlist.engine.wire.Label;
import dev.memberlist.engine.wire.Limits;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.MessageType;
import dev.memberlist.engine.wire.Ping;
import dev.memberlist.engine.wire.PushPull;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streams in and out (the stream half of Go's net.go): one request and at most one reply per
 * connection. Outbound messages are always compressed when compression is on, then encrypted
 * as {@code [10][len][ciphertext]} with the header and label as associated data; the dialer
 * writes the label header first. Inbound: push-pull, user messages and TCP pings.
 *
 * <p>Threads: bytes arrive on I/O threads. A small message is decoded there, so a TCP ping is
 * answered where it is decoded, by the same {@link Probe#ackFor} as a UDP ping; a big one (a
 * push-pull of a big cluster) is decoded on the stream side ({@link NodeContext#streamWork}).
 * Push-pull then goes to {@link PushPullSync}, user messages to the delegate queue.
 */
final class StreamLayer {
    private final NodeContext m;
    private final byte[] labelBytes;
    private final AtomicInteger pushPullRequests = new AtomicInteger();

    /** Messages up to this size are decoded on the I/O thread; bigger ones on the stream side. */
    static final int INLINE_DECODE_LIMIT = 16 * 1024;

    /**
     * A decoded stream message: the inner type and its body, and whether it came encrypted under
     * a key of our keyring (then it is authenticated: it speaks for whoever it names).
     */
    record StreamMsg(MessageType type, byte[] buf, int off, int len, boolean sealed) {}

    StreamLayer(NodeContext m) {
        this.m = m;
        this.labelBytes = m.config.getLabel().getBytes(StandardCharsets.UTF_8);
    }

    // ---- encoding and decoding -------------------------------------------------------------

    /** Go's rawSendMsgStream, minus the write. */
    byte[] encodeStreamMessage(byte[] msg) {
        if (m.config.isEnableCompression()) {
            msg = Compression.compressPayload(msg);
        }
        byte[] key = m.outgoingKey();
        if (key != null) {
            int vsn = m.encryptionVersion();
            int encLen = Security.encryptedLength(vsn, msg.length);
            byte[] header = {
                (byte) MessageType.ENCRYPT.code(),
                (byte) (encLen >>> 24),
                (byte) (encLen >>> 16),
                (byte) (encLen >>> 8),
                (byte) encLen
            };
            byte[] ct = Security.encryptPayload(vsn, key, msg, concat(header, labelBytes));
            msg = concat(header, ct);
        }
        m.metrics.incrCounter("memberlist.tcp.sent", msg.length);
        return msg;
    }

    /** Go's readStream: decrypts and decompresses one received message. */
    StreamMsg decodeFrame(byte[] frame) throws DecodeException {
        byte[] buf = frame;
        int off = 0;
        int len = frame.length;
        boolean sealed = false;
        List<byte[]> keys = m.keyring.keysUnsafe();
        if ((buf[0] & 0xff) == MessageType.ENCRYPT.code()) {
            if (keys.isEmpty()) {
                throw new DecodeException("Remote state is encrypted and encryption is not configured");
            }
            m.metrics.addSample("memberlist.size.remote", len - 5);
            byte[] aad = concat(Arrays.copyOf(frame, 5), labelBytes);
            buf = Security.decryptPayload(keys, Arrays.copyOfRange(frame, 5, frame.length), aad);
            len = buf.length;
            if (len < 1) {
                throw new DecodeException("empty encrypted stream message");
            }
            sealed = true;
        } else if (!keys.isEmpty() && m.isGossipVerifyIncoming()) {
            throw new DecodeException("Encryption is configured but remote state is not encrypted");
        }
        if ((buf[off] & 0xff) == MessageType.COMPRESS.code()) {
            buf = Compression.decompressPayload(buf, off + 1, len - 1);
            off = 0;
            len = buf.length;
            if (len < 1) {
                throw new DecodeException("empty compressed stream message");
            }
        }
        MessageType type = MessageType.fromCode(buf[off] & 0xff);
        if (type == null) {
            throw new DecodeException("invalid stream message type " + (buf[off] & 0xff));
        }
        return new StreamMsg(type, buf, off + 1, len - 1, sealed);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---- inbound ---------------------------------------------------------------------------

    /** Go's handleConn, for a stream a peer opened to us. */
    void handleConn(StreamConnection conn) {
        m.metrics.incrCounter("memberlist.tcp.accept", 1);
        FrameReader reader = new FrameReader(
                label -> m.config.isSkipInboundLabelCheck()
                        ? label.isEmpty()
                        : m.config.getLabel().equals(label),
                // a push-pull over the limit is refused at its type byte, before its body is
                // buffered (a plain one; an encrypted one shows its type only once decrypted)
                type -> type != MessageType.PUSH_PULL.code()
                        || pushPullRequests.get() < Limits.MAX_PUSH_PULL_REQUESTS - 1);
        // one deadline for the whole stream, our reply included: a peer that stops reading
        // must not hold a connection and a push-pull slot forever
        Cancellable deadline = m.scheduleIo(
                () -> {
                    if (reader.result().isDone()) {
                        m.countDrop("stream", "reply_timeout");
                    }
                    reader.fail(new TimeoutException("stream deadline"));
                    conn.abort();
                },
                m.config.getTcpTimeout().toNanos());
        conn.startReading(reader);
        reader.result().whenComplete((frame, err) -> {
            if (err != null) {
                onReadError(conn, err);
                deadline.cancel();
            } else if (frame.bytes().length <= INLINE_DECODE_LIMIT) {
                handleFrameSafely(conn, frame, deadline);
            } else {
                m.streamWork.execute(() -> handleFrameSafely(conn, frame, deadline));
            }
        });
    }

    private void handleFrameSafely(StreamConnection conn, FrameReader.Frame frame, Cancellable deadline) {
        try {
            handleFrame(conn, frame, deadline);
        } catch (RuntimeException e) {
            m.countDrop("stream", "internal");
            m.log.warn("{}: failed to handle stream from {}", m.name, conn.remoteAddress(), e);
            conn.close();
            deadline.cancel();
        }
    }

    private void onReadError(StreamConnection conn, Throwable err) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof FrameReader.RefusedException) {
            m.countDrop("stream", "too_many_push_pull");
            conn.abort();
        } else if (cause instanceof FrameReader.LabelMismatchException) {
            // a label mismatch is answered with silence, as Go does
            m.countDrop("stream", "label");
            conn.close();
        } else if (cause instanceof DecodeException de) {
            m.countDrop("stream", "decode");
            sendErrAndClose(conn, de.getMessage());
        } else {
            if (!(cause instanceof java.io.EOFException)) {
                m.countDrop("stream", cause instanceof TimeoutException ? "timeout" : "io");
            }
            conn.close();
        }
    }

    private void sendErrAndClose(StreamConnection conn, String error) {
        byte[] out = encodeStreamMessage(MessageCodec.encode(new ErrResp(error)));
        conn.write(out).whenComplete((v, e) -> conn.close());
    }

    private void handleFrame(StreamConnection conn, FrameReader.Frame frame, Cancellable deadline) {
        StreamMsg msg;
        try {
            msg = decodeFrame(frame.bytes());
        } catch (DecodeException e) {
            m.countDrop("stream", "decode");
            m.log.debug("{}: failed to receive from {}: {}", m.name, conn.remoteAddress(), e.getMessage());
            sendErrAndClose(conn, e.getMessage());
            deadline.cancel();
            return;
        }
        switch (msg.type()) {
            case PUSH_PULL -> {
                // Go refuses at its 128th concurrent push-pull
                if (pushPullRequests.incrementAndGet() >= Limits.MAX_PUSH_PULL_REQUESTS) {
                    pushPullRequests.decrementAndGet();
                    m.countDrop("stream", "too_many_push_pull");
                    conn.close();
                    deadline.cancel();
                    return;
                }
                PushPull remote;
                try {
                    remote = MessageCodec.decodePushPull(msg.buf(), msg.off(), msg.len(), m.pushPull.staleStates());
                } catch (DecodeException e) {
                    pushPullRequests.decrementAndGet();
                    m.countDrop("stream", "decode");
                    sendErrAndClose(conn, e.getMessage());
                    deadline.cancel();
                    return;
                }
                m.pushPull.answer(conn, remote, msg.sealed(), deadline).whenComplete((v, e) -> {
                    pushPullRequests.decrementAndGet();
                    if (e != null) {
                        m.log.warn(
                                "{}: failed push/pull merge from {}: {}",
                                m.name,
                                conn.remoteAddress(),
                                PushPullSync.rootMessage(e));
                    }
                });
            }
            case USER -> {
                byte[] userMsg;
                try {
                    userMsg = MessageCodec.decodeUserMsgStream(msg.buf(), msg.off(), msg.len());
                } catch (DecodeException e) {
                    m.countDrop("stream", "decode");
                    conn.close();
                    deadline.cancel();
                    return;
                }
                conn.close();
                deadline.cancel();
                NodeDelegate d = m.config.getDelegate();
                if (userMsg.length > 0 && d != null) {
                    m.delegates.message(() -> d.notifyMsg(userMsg));
                }
            }
            case PING -> {
                Ping p;
                try {
                    p = MessageCodec.decode(Ping.class, msg.buf(), msg.off(), msg.len());
                } catch (DecodeException e) {
                    m.countDrop("stream", "decode");
                    conn.close();
                    deadline.cancel();
                    return;
                }
                // the same answer as to a UDP ping; Go sends no payload over TCP
                AckResp ack = m.probe.ackFor(p, conn.remoteAddress(), false);
                if (ack == null) {
                    conn.close();
                    deadline.cancel();
                    return;
                }
                byte[] out = encodeStreamMessage(MessageCodec.encode(ack));
                conn.write(out).whenComplete((v, e) -> {
                    conn.close();
                    deadline.cancel();
                });
            }
            default -> {
                m.countDrop("stream", "unknown_type");
                conn.close();
                deadline.cancel();
            }
        }
    }

    // ---- outbound --------------------------------------------------------------------------

    /** Opens a stream and writes the label header, as Go's labelWrappedTransport does. */
    CompletableFuture<StreamConnection> dial(Address a, Duration timeout) {
        if (a.name().isEmpty() && m.config.isRequireNodeNames()) {
            return CompletableFuture.failedFuture(new MemberlistException(
                    "memberlist: node names are required by configuration but one was not provided"));
        }
        return m.transport.dialAddress(a, timeout).thenApply(conn -> {
            if (labelBytes.length > 0) {
                conn.write(Label.header(m.config.getLabel()));
            }
            return conn;
        });
    }

    /**
     * Writes one message and reads one reply within the timeout; the reply still encrypted and
     * compressed, for the caller to decode where it fits ({@link #decode}).
     */
    CompletableFuture<byte[]> exchange(StreamConnection conn, byte[] encoded, long timeoutNanos) {
        FrameReader reader = new FrameReader();
        conn.startReading(reader);
        Cancellable deadline = m.scheduleIo(
                () -> {
                    reader.fail(new TimeoutException("no reply within " + Duration.ofNanos(timeoutNanos)));
                    conn.abort();
                },
                timeoutNanos);
        conn.write(encoded).whenComplete((v, e) -> {
            if (e != null) {
                reader.fail(e);
            }
        });
        return reader.result().thenApply(frame -> {
            deadline.cancel();
            return frame.bytes();
        });
    }

    /** {@link #decodeFrame} for futures: a decode failure completes them exceptionally. */
    StreamMsg decode(byte[] frame) {
        try {
            return decodeFrame(frame);
        } catch (DecodeException e) {
            throw new CompletionException(e);
        }
    }

    /** Go's sendUserMsg: a reliable user message over a fresh stream. */
    CompletableFuture<Void> sendUserMsg(Address a, byte[] msg) {
        byte[] encoded = encodeStreamMessage(MessageCodec.encodeUserMsgStream(msg));
        return dial(a, m.config.getTcpTimeout()).thenCompose(conn -> {
            // a peer that stops reading fails the send at the deadline instead of holding it
            Cancellable deadline =
                    m.scheduleIo(conn::abort, m.config.getTcpTimeout().toNanos());
            return conn.write(encoded).whenComplete((v, e) -> {
                deadline.cancel();
                conn.close();
            });
        });
    }

    /**
     * Go's sendPingAndWaitForAck, the TCP fallback probe.
     *
     * @return true when the node acked before the deadline; false when it could not be reached
     */
    CompletableFuture<Boolean> sendPingAndWaitForAck(Address a, Ping ping, long deadlineNanos) {
        long remaining = deadlineNanos - m.strand.nanoTime();
        if (remaining <= 0) {
            return CompletableFuture.completedFuture(false);
        }
        byte[] encoded = encodeStreamMessage(MessageCodec.encode(ping));
        return dial(a, Duration.ofNanos(remaining)).handle((conn, err) -> conn).thenCompose(conn -> {
            if (conn == null) {
                return CompletableFuture.completedFuture(false);
            }
            long left = Math.max(1, deadlineNanos - m.strand.nanoTime());
            return exchange(conn, encoded, left).handle((frame, err) -> {
                conn.close();
                if (err != null) {
                    return false;
                }
                try {
                    // an ack is small: decoded on the I/O thread
                    StreamMsg msg = decodeFrame(frame);
                    if (msg.type() != MessageType.ACK_RESP) {
                        return false;
                    }
                    AckResp ack = MessageCodec.decode(AckResp.class, msg.buf(), msg.off(), msg.len());
                    return ack.seqNo() == ping.seqNo();
                } catch (DecodeException e) {
                    return false;
                }
            });
        });
    }
}
