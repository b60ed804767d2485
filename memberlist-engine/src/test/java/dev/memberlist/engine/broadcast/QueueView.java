package dev.memberlist.engine.broadcast;

import java.util.ArrayList;
import java.util.List;

/** Test access to a queue's contents, as Go's tests use {@code orderedView}. */
public final class QueueView {
    private QueueView() {}

    /**
     * The queued messages in Go's {@code orderedView(reverse)} order, without touching their
     * transmit counts.
     */
    public static List<byte[]> messages(TransmitLimitedQueue q, boolean reverse) {
        List<byte[]> out = new ArrayList<>();
        for (TransmitLimitedQueue.LimitedBroadcast lb : q.orderedView(reverse)) {
            out.add(lb.b.message());
        }
        return out;
    }
}
