package dev.memberlist.sample;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.MemberlistException;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.spring.boot.MemberlistNode;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Sends a text message to a member: {@code POST /messages} with {@code {"to": "<member name>",
 * "text": "hello"}}. The receiving node publishes a {@code MemberMessageEvent}, which its
 * {@link MembershipLogger} logs. The protocol does not say who sent a message, so the text
 * goes out prefixed with this node's name.
 */
@RestController
public class MessageController {

    // the node, not the Memberlist bean: after a stop and a start of the context the node runs a fresh engine node
    private final MemberlistNode node;

    public MessageController(MemberlistNode node) {
        this.node = node;
    }

    @PostMapping("/messages")
    public ResponseEntity<MessageResult> send(@RequestBody MessageRequest request) {
        Memberlist memberlist = this.node.getMemberlist();
        Node to = (request.to() != null) ? memberlist.node(request.to()) : null;
        if (to == null || to.state() == NodeState.DEAD || to.state() == NodeState.LEFT) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(new MessageResult(request.to(), false, "no live member of that name"));
        }
        String text = memberlist.name() + " says: " + ((request.text() != null) ? request.text() : "");
        try {
            // over a TCP stream: unlike sendBestEffort (one UDP packet), a failure is reported
            memberlist.sendReliable(to, text.getBytes(StandardCharsets.UTF_8));
            return ResponseEntity.ok(new MessageResult(to.name(), true, null));
        } catch (MemberlistException | IllegalStateException ex) {
            return ResponseEntity.status(HttpStatus.BAD_GATEWAY)
                    .body(new MessageResult(to.name(), false, ex.getMessage()));
        }
    }

    /**
     * @param to the name of the member to send to
     * @param text the message
     */
    public record MessageRequest(String to, String text) {}

    /**
     * @param to the member
     * @param sent whether the message was written to it
     * @param error why not, or null
     */
    public record MessageResult(String to, boolean sent, String error) {}
}
