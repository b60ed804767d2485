package dev.memberlist.sample;

import dev.memberlist.engine.Node;
import dev.memberlist.spring.boot.event.MemberEvent;
import dev.memberlist.spring.boot.event.MemberFailedEvent;
import dev.memberlist.spring.boot.event.MemberJoinedEvent;
import dev.memberlist.spring.boot.event.MemberLeftEvent;
import dev.memberlist.spring.boot.event.MemberMessageEvent;
import dev.memberlist.spring.boot.event.MemberUpdatedEvent;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The live event feed of the page: every membership change and message this node sees, from
 * {@code @EventListener}s, pushed to each open page as a server-sent event, and the last {@value
 * #HISTORY} kept so that a page opened later (or reconnecting) starts with them.
 *
 * <p>The starter publishes the events on the node's delegate queue, where a slow listener
 * delays the events behind it. Writing to browsers can be slow, so the listeners only hand the
 * entry to one {@code sample-feed} thread, which owns the history and the open streams: one
 * thread keeps the order, and a page never gets an entry twice or misses one while it connects.
 */
@Component
public class EventFeed {

    /** Entries kept for pages that connect later. */
    static final int HISTORY = 200;

    /**
     * An open stream is closed after this long and the browser's {@code EventSource} reconnects
     * at once with the last id it saw ({@code Last-Event-ID}), missing nothing: a closed tab's
     * stream does not live forever.
     */
    private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);

    private final ExecutorService sender = Executors.newSingleThreadExecutor((task) -> {
        Thread thread = new Thread(task, "sample-feed");
        thread.setDaemon(true);
        return thread;
    });

    // touched only on the sender thread
    private final Deque<Entry> history = new ArrayDeque<>();

    private final List<SseEmitter> streams = new CopyOnWriteArrayList<>();

    private long lastId;

    @EventListener
    public void onJoined(MemberJoinedEvent event) {
        record("joined", event);
    }

    @EventListener
    public void onUpdated(MemberUpdatedEvent event) {
        record("updated", event);
    }

    @EventListener
    public void onLeft(MemberLeftEvent event) {
        record("left", event);
    }

    @EventListener
    public void onFailed(MemberFailedEvent event) {
        record("failed", event);
    }

    /** A user message: a broadcast, or one sent to this node with the message form. */
    @EventListener
    public void onMessage(MemberMessageEvent event) {
        record("message", null, Map.of(), false, event.getPayloadAsString());
    }

    private void record(String kind, MemberEvent event) {
        Node node = event.getNode();
        record(kind, node.name(), event.getTags(), event.isLocal(), null);
    }

    /**
     * Adds an entry to the feed of every open page.
     *
     * @param kind {@code joined}, {@code updated}, {@code left}, {@code failed}, {@code message}
     *     or what this node did itself ({@code broadcast})
     * @param member the member it is about, or null
     * @param tags the member's tags
     * @param local whether the member is this node
     * @param text a message's text, or null
     */
    public void record(String kind, String member, Map<String, String> tags, boolean local, String text) {
        Instant time = Instant.now();
        try {
            this.sender.execute(() -> {
                Entry entry = new Entry(++this.lastId, time.toString(), kind, member, Map.copyOf(tags), local, text);
                this.history.addLast(entry);
                if (this.history.size() > HISTORY) {
                    this.history.removeFirst();
                }
                for (SseEmitter stream : this.streams) {
                    send(stream, entry);
                }
            });
        } catch (RejectedExecutionException ex) {
            // the application is closing: no page is listening any more
        }
    }

    /**
     * Opens a stream for one page: the entries after {@code lastSeenId} first, then each new
     * one as it happens.
     *
     * @param lastSeenId the id of the last entry the page has, or null for all kept
     */
    public SseEmitter subscribe(Long lastSeenId) {
        SseEmitter stream = new SseEmitter(STREAM_TIMEOUT.toMillis());
        stream.onCompletion(() -> this.streams.remove(stream));
        stream.onTimeout(stream::complete);
        stream.onError((ex) -> this.streams.remove(stream));
        try {
            this.sender.execute(() -> {
                // an id from before a restart of this node is larger than any it has now
                long after = (lastSeenId != null && lastSeenId <= this.lastId) ? lastSeenId : 0;
                for (Entry entry : this.history) {
                    if (entry.id() > after && !send(stream, entry)) {
                        return;
                    }
                }
                this.streams.add(stream);
            });
        } catch (RejectedExecutionException ex) {
            stream.complete();
        }
        return stream;
    }

    private boolean send(SseEmitter stream, Entry entry) {
        try {
            stream.send(SseEmitter.event().id(Long.toString(entry.id())).data(entry, MediaType.APPLICATION_JSON));
            return true;
        } catch (IOException | IllegalStateException ex) {
            // the page went away; its stream is done
            this.streams.remove(stream);
            stream.completeWithError(ex);
            return false;
        }
    }

    /**
     * Ends every open stream as the application closes, before the web server's graceful
     * shutdown, which would otherwise wait for these never-ending requests until its timeout.
     */
    @EventListener(ContextClosedEvent.class)
    public void close() {
        this.sender.shutdown();
        this.streams.forEach(SseEmitter::complete);
        this.streams.clear();
    }

    /**
     * One line of the feed, as the page gets it.
     *
     * @param id increasing per node, the server-sent event's id
     * @param time when this node saw it, ISO-8601 in UTC
     * @param kind what happened
     * @param member who it is about, or null for a message
     * @param tags the member's tags as this node holds them
     * @param local whether the member is this node
     * @param text a message's text, or null
     */
    public record Entry(
            long id, String time, String kind, String member, Map<String, String> tags, boolean local, String text) {}
}
