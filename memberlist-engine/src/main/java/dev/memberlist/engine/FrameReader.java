package dev.memberlist.engine;

import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.wire.DecodeException;
import dev.memberlist.engine.wire.MessageType;
import dev.memberlist.engine.wire.StreamFramer;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Collects a stream's bytes until one whole message has arrived (memberlist carries one
 * request and at most one reply per connection). On the accepting side, first strips the
 * label header the dialer may have written. Runs on I/O threads.
 */
final class FrameReader implements StreamConnection.Reader {
    /** Nothing legitimate is bigger: 20 MiB of state plus framing slack. */
    private static final int MAX_BUFFERED = 48 * 1024 * 1024;

    /** One received message, still encrypted and compressed as sent, and the label it came under. */
    record Frame(String label, byte[] bytes) {}

    /** The label was not the one we accept; the stream is closed without a reply. */
    static final class LabelMismatchException extends Exception {
        private static final long serialVersionUID = 1L;

        LabelMismatchException(String label) {
            super("unexpected stream label '" + label + "'");
        }
    }

    /** The first byte of the message told us to refuse it before the rest arrives. */
    static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedException(String why) {
            super(why);
        }
    }

    private final boolean readLabel;
    private final java.util.function.Predicate<String> labelAccepted;
    /** Null when any type is read; else asked once, with the message's first byte. */
    private final java.util.function.IntPredicate typeAccepted;

    private boolean typeChecked;
    private final CompletableFuture<Frame> result = new CompletableFuture<>();
    private byte[] buf = new byte[512];
    private int len;
    private boolean labelRead;
    private String label = "";
    private boolean done;
    /** Framing resumes where it stopped, so a message in many chunks is scanned about once. */
    private final StreamFramer.Progress progress = new StreamFramer.Progress();

    /** A reader for replies on a stream we dialed: no label header comes first. */
    FrameReader() {
        this.readLabel = false;
        this.labelAccepted = l -> true;
        this.typeAccepted = null;
    }

    /**
     * A reader for a stream a peer opened, where a label header may come first.
     *
     * @param labelAccepted checked as soon as the label (or its absence) is known
     */
    FrameReader(java.util.function.Predicate<String> labelAccepted) {
        this(labelAccepted, null);
    }

    /**
     * A reader for a stream a peer opened that may refuse a message by its type byte, before
     * its body is buffered (Go reads the type first and refuses a push-pull over its limit).
     *
     * @param typeAccepted asked with the first byte after the label; false refuses the stream
     */
    FrameReader(java.util.function.Predicate<String> labelAccepted, java.util.function.IntPredicate typeAccepted) {
        this.readLabel = true;
        this.labelAccepted = labelAccepted;
        this.typeAccepted = typeAccepted;
    }

    /** Completes with the first whole message, or exceptionally when the stream breaks first. */
    CompletableFuture<Frame> result() {
        return result;
    }

    @Override
    public synchronized void onData(byte[] chunk) {
        if (done) {
            return;
        }
        if (len + chunk.length > MAX_BUFFERED) {
            fail(new DecodeException("stream message larger than " + MAX_BUFFERED + " bytes"));
            return;
        }
        if (len + chunk.length > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + chunk.length));
        }
        System.arraycopy(chunk, 0, buf, len, chunk.length);
        len += chunk.length;
        try {
            parse();
        } catch (DecodeException e) {
            fail(e);
        } catch (RuntimeException e) {
            fail(new DecodeException("malformed stream: " + e, e));
        }
    }

    private void parse() throws DecodeException {
        int off = 0;
        if (readLabel && !labelRead) {
            if (len < 1) {
                return;
            }
            if ((buf[0] & 0xff) == MessageType.HAS_LABEL.code()) {
                if (len < 2) {
                    return;
                }
                int size = buf[1] & 0xff;
                if (size == 0) {
                    throw new DecodeException("label header cannot be empty when present");
                }
                if (len < 2 + size) {
                    return;
                }
                label = new String(buf, 2, size, StandardCharsets.UTF_8);
                off = 2 + size;
            }
            labelRead = true;
            if (!labelAccepted.test(label)) {
                done = true;
                buf = null;
                result.completeExceptionally(new LabelMismatchException(label));
                return;
            }
            if (off > 0) {
                System.arraycopy(buf, off, buf, 0, len - off);
                len -= off;
                off = 0;
            }
        }
        if (len == 0) {
            return;
        }
        if (typeAccepted != null && !typeChecked) {
            typeChecked = true;
            if (!typeAccepted.test(buf[0] & 0xff)) {
                done = true;
                buf = null;
                result.completeExceptionally(new RefusedException("refused at its type byte"));
                return;
            }
        }
        int n = StreamFramer.frameLength(buf, 0, len, progress);
        if (n < 0) {
            return;
        }
        done = true;
        byte[] frame = Arrays.copyOf(buf, n);
        buf = null;
        result.complete(new Frame(label, frame));
    }

    @Override
    public synchronized void onClose(Throwable cause) {
        if (cause == null && !done && len > 0) {
            // bytes came, then the end: a truncated message, not a mere probe of the port
            fail(new DecodeException("stream ended after " + len + " bytes, before a whole message"));
        } else {
            fail(cause != null ? cause : new EOFException("stream closed before a message arrived"));
        }
    }

    /** Gives up, for example at the deadline. */
    synchronized void fail(Throwable cause) {
        if (!done) {
            done = true;
            buf = null;
            result.completeExceptionally(cause);
        }
    }
}
