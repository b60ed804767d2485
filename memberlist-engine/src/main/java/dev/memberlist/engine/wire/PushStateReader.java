package dev.memberlist.engine.wire;

import java.util.List;
import java.util.function.Predicate;

/**
 * Reads the node states of a push-pull in their plain shape without msgpack-core: a map of the
 * seven known keys, strings and byte strings in any of their 8- and 16-bit formats or nil,
 * non-negative integers in any format. A push-pull of a large cluster is thousands of these, read
 * on every exchange; going through msgpack-core's unpacker cost several times more, and for a
 * node of thousands that is a long task. Anything else (another key, a negative number, a nil
 * name, a 32-bit length) gives up, and the caller reads the whole stream with the full decoder,
 * which then says what is wrong; what this reader accepts it reads exactly as that decoder does.
 *
 * <p>Each state is read in place first ({@link AliveView}): an alive one the receiver already has
 * (its {@code stale} test) is only counted into {@link SkippedStates}, without a copy of its
 * name, address, metadata and versions. Between two members of a converged cluster that is nearly
 * every state of every periodic exchange.
 */
final class PushStateReader {
    private PushStateReader() {}

    /** Reads {@code count} node states, keeping every one (see below). */
    static int read(byte[] buf, int at, int end, int count, List<PushNodeState> out) {
        return read(buf, at, end, count, out, null, null);
    }

    /**
     * Reads {@code count} node states from {@code buf[at, end)} into {@code out}, but for the alive
     * ones {@code stale} (when not null) tests true, which go into {@code skipped}.
     *
     * @return where they end, or -1 when one is not of the plain shape ({@code out} and {@code
     *     skipped} are then partly filled)
     */
    static int read(
            byte[] buf,
            int at,
            int end,
            int count,
            List<PushNodeState> out,
            Predicate<AliveView> stale,
            SkippedStates skipped) {
        AliveView v = AliveView.forPushStates(buf);
        int pos = at;
        for (int i = 0; i < count; i++) {
            if (!v.parse(pos, end, true)) {
                return -1;
            }
            pos = v.pos;
            if (stale != null && v.state() == 0 && stale.test(v)) {
                skipped.add(v);
            } else {
                out.add(v.toPushNodeState());
            }
        }
        return pos;
    }
}
