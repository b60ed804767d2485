package dev.memberlist.engine.wire;

/**
 * Go's {@code dead}; {@code from == node} means the node left gracefully.
 *
 * @param incarnation uint32
 * @param node the dead node
 * @param from who declares it
 */
public record Dead(long incarnation, String node, String from) implements Message {
    @Override
    public MessageType type() {
        return MessageType.DEAD;
    }
}
