package dev.memberlist.sample;

import dev.memberlist.spring.boot.MemberlistBroadcaster;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.MemberlistTags;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * What the page does besides the member table: {@code GET /events} streams the {@link EventFeed}
 * as server-sent events; {@code POST /tags} changes this node's tags at runtime through {@link
 * MemberlistTags}, which every other member sees as a {@code MemberUpdatedEvent}; {@code POST
 * /broadcasts} gossips a text to every other member through {@link MemberlistBroadcaster}, which
 * each receives as a {@code MemberMessageEvent}.
 */
@RestController
public class FeedController {

    private final EventFeed feed;

    private final MemberlistTags tags;

    private final MemberlistBroadcaster broadcaster;

    private final MemberlistNode node;

    public FeedController(EventFeed feed, MemberlistTags tags, MemberlistBroadcaster broadcaster, MemberlistNode node) {
        this.feed = feed;
        this.tags = tags;
        this.broadcaster = broadcaster;
        this.node = node;
    }

    /**
     * The feed, live. A browser's {@code EventSource} sends {@code Last-Event-ID} when it
     * reconnects, and gets only what it missed.
     */
    @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events(@RequestHeader(name = "Last-Event-ID", required = false) Long lastEventId) {
        return this.feed.subscribe(lastEventId);
    }

    /** This node's tags now. */
    @GetMapping("/tags")
    public Map<String, String> tags() {
        return this.tags.get();
    }

    /**
     * Sets one of this node's tags: {@code {"name": "color", "value": "blue"}}. Answers at once
     * with the tags; the change spreads by gossip within a few gossip rounds.
     */
    @PostMapping("/tags")
    public ResponseEntity<Object> putTag(@RequestBody TagRequest request) {
        if (request.name() == null || request.name().isBlank() || request.value() == null) {
            return ResponseEntity.badRequest().body(Map.of("error", "name and value are required"));
        }
        try {
            // its future completes once the change was gossiped enough times: the page need not wait
            this.tags.put(request.name().strip(), request.value());
        } catch (IllegalArgumentException ex) {
            // the tags would no longer fit the node's metadata (meta-max-size)
            return ResponseEntity.badRequest().body(Map.of("error", ex.getMessage()));
        }
        return ResponseEntity.ok(this.tags.get());
    }

    /** Removes one of this node's tags. */
    @DeleteMapping("/tags/{name}")
    public Map<String, String> removeTag(@PathVariable String name) {
        this.tags.remove(name);
        return this.tags.get();
    }

    /**
     * Gossips a text to every other member: {@code {"text": "hello"}}. The local node does not
     * receive its own broadcast, so it goes into this node's feed as {@code broadcast}. Gossip
     * does not say who sent a message, so the text goes out prefixed with this node's name.
     */
    @PostMapping("/broadcasts")
    public ResponseEntity<Object> broadcast(@RequestBody BroadcastRequest request) {
        String text =
                this.node.getMemberlist().name() + " broadcasts: " + ((request.text() != null) ? request.text() : "");
        try {
            this.broadcaster.broadcast(text);
        } catch (IllegalArgumentException ex) {
            // larger than one gossip packet
            return ResponseEntity.badRequest().body(Map.of("error", ex.getMessage()));
        }
        this.feed.record("broadcast", null, Map.of(), true, text);
        return ResponseEntity.ok(Map.of("text", text, "queued", this.broadcaster.queued()));
    }

    /**
     * @param name the tag
     * @param value its new value
     */
    public record TagRequest(String name, String value) {}

    /** @param text what to broadcast */
    public record BroadcastRequest(String text) {}
}
