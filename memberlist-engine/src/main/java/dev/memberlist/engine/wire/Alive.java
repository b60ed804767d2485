package dev.memberlist.engine.wire;

/**
 * Go's {@code alive}.
 *
 * @param incarnation uint32
 * @param node name
 * @param addr raw IP, 4 or 16 bytes
 * @param port port
 * @param meta metadata, or null (msgpack nil)
 * @param vsn {@code pmin, pmax, pcur, dmin, dmax, dcur}; always 6 bytes when we send
 */
public record Alive(long incarnation, String node, byte[] addr, int port, byte[] meta, byte[] vsn) implements Message {
    @Override
    public MessageType type() {
        return MessageType.ALIVE;
    }
}
