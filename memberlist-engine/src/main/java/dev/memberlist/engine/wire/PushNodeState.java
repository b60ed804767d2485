package dev.memberlist.engine.wire;

/**
 * Go's {@code pushNodeState}: one node in a push-pull stream (no type byte of its own).
 *
 * @param name node name
 * @param addr raw IP, 4 or 16 bytes
 * @param port port
 * @param meta metadata, or null
 * @param incarnation uint32
 * @param state 0 alive, 1 suspect, 2 dead, 3 left
 * @param vsn six version bytes
 */
public record PushNodeState(String name, byte[] addr, int port, byte[] meta, long incarnation, int state, byte[] vsn)
        implements Message {
    @Override
    public MessageType type() {
        return null;
    }
}
