package dev.memberlist.engine.transport.net;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters behind {@link PacketConnectionStats}. A limit hit is logged once at WARN (then
 * only counted), so a peer that floods us cannot flood the log.
 */
final class PacketCounters {
    private static final Logger log = LoggerFactory.getLogger(PacketCounters.class);

    final LongAdder outboundOpened = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder droppedWhileConnecting = new LongAdder();
    final LongAdder droppedConnectFailed = new LongAdder();
    final LongAdder droppedUnwritable = new LongAdder();
    final LongAdder droppedTooLarge = new LongAdder();
    final LongAdder droppedPoolFull = new LongAdder();
    final LongAdder inboundOpened = new LongAdder();
    final LongAdder inboundShed = new LongAdder();
    final LongAdder badFirstByte = new LongAdder();
    final LongAdder badHeaders = new LongAdder();
    final LongAdder badFrames = new LongAdder();
    final LongAdder idleClosed = new LongAdder();
    final LongAdder silentClosed = new LongAdder();

    private final AtomicBoolean warnedQueue = new AtomicBoolean();
    private final AtomicBoolean warnedUnwritable = new AtomicBoolean();
    private final AtomicBoolean warnedTooLarge = new AtomicBoolean();
    private final AtomicBoolean warnedPool = new AtomicBoolean();
    private final AtomicBoolean warnedInboundPool = new AtomicBoolean();
    private final AtomicBoolean warnedMalformed = new AtomicBoolean();

    void dropWhileConnecting(Object target) {
        droppedWhileConnecting.increment();
        warnOnce(
                warnedQueue,
                "packets to {} dropped: the queue of a connection still opening is full (logged once)",
                target);
    }

    void dropUnwritable(Object target) {
        droppedUnwritable.increment();
        warnOnce(warnedUnwritable, "packets to {} dropped: too many bytes wait to be written (logged once)", target);
    }

    void dropTooLarge(Object target, int length) {
        droppedTooLarge.increment();
        warnOnce(
                warnedTooLarge,
                "packet of {} bytes to {} dropped: outside 1.." + PacketFraming.MAX_FRAME + " (logged once)",
                length,
                target);
    }

    void dropPoolFull(Object target) {
        droppedPoolFull.increment();
        warnOnce(
                warnedPool,
                "packets to {} dropped: maxPacketConnections outbound connections are open (logged once)",
                target);
    }

    void shedInbound(Object remote) {
        inboundShed.increment();
        warnOnce(
                warnedInboundPool,
                "packet connection from {} closed: maxPacketConnections are open (logged once)",
                remote);
    }

    /** A malformed inbound connection, already counted in its own field. */
    void malformed(Object remote, String what) {
        warnOnce(warnedMalformed, "connection from {} closed: {} (logged once; later ones at debug)", remote, what);
    }

    private static void warnOnce(AtomicBoolean flag, String format, Object... args) {
        if (flag.compareAndSet(false, true)) {
            log.warn(format, args);
        } else if (log.isDebugEnabled()) {
            log.debug(format, args);
        }
    }

    PacketConnectionStats snapshot() {
        return new PacketConnectionStats(
                outboundOpened.sum(),
                connectFailures.sum(),
                droppedWhileConnecting.sum(),
                droppedConnectFailed.sum(),
                droppedUnwritable.sum(),
                droppedTooLarge.sum(),
                droppedPoolFull.sum(),
                inboundOpened.sum(),
                inboundShed.sum(),
                badFirstByte.sum(),
                badHeaders.sum(),
                badFrames.sum(),
                idleClosed.sum(),
                silentClosed.sum());
    }
}
