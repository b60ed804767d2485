package dev.memberlist.engine.wire;

/**
 * Go's {@code suspect}.
 *
 * @param incarnation uint32
 * @param node the suspected node
 * @param from who suspects it
 */
public record Suspect(long incarnation, String node, String from) implements Message {
    @Override
    public MessageType type() {
        return MessageType.SUSPECT;
    }
}
