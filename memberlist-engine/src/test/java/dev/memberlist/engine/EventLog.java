package dev.memberlist.engine;

import dev.memberlist.engine.delegate.EventDelegate;
import java.util.ArrayList;
import java.util.List;

/**
 * Go's {@code ChannelEventDelegate} and {@code toggledEventDelegate} in one: records events
 * while enabled, so a test can read them like a buffered channel.
 */
final class EventLog implements EventDelegate {
    /** Go's NodeEventType. */
    enum Kind {
        JOIN,
        LEAVE,
        UPDATE
    }

    /** Go's NodeEvent. Unlike Go, {@code node.state()} is the node's real state. */
    record Event(Kind kind, Node node) {
        @Override
        public String toString() {
            return kind + " " + node.name() + " " + node.state();
        }
    }

    private final List<Event> events = new ArrayList<>();
    private boolean enabled;

    EventLog(boolean enabled) {
        this.enabled = enabled;
    }

    synchronized void toggle(boolean on) {
        enabled = on;
    }

    private synchronized void add(Kind kind, Node node) {
        if (enabled) {
            events.add(new Event(kind, node));
        }
    }

    @Override
    public void notifyJoin(Node node) {
        add(Kind.JOIN, node);
    }

    @Override
    public void notifyLeave(Node node) {
        add(Kind.LEAVE, node);
    }

    @Override
    public void notifyUpdate(Node node) {
        add(Kind.UPDATE, node);
    }

    /** Takes the oldest event, or null: Go's non-blocking receive. */
    synchronized Event poll() {
        return events.isEmpty() ? null : events.remove(0);
    }

    /** Every event not yet taken. */
    synchronized List<Event> pending() {
        return List.copyOf(events);
    }

    synchronized int size() {
        return events.size();
    }
}
