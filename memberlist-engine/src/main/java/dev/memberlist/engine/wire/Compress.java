package dev.memberlist.engine.wire;

/**
 * Go's {@code compress} wrapper, body of message type 9.
 *
 * @param algo 0 for LZW, the only algorithm
 * @param buf the compressed bytes
 */
public record Compress(int algo, byte[] buf) implements Message {
    @Override
    public MessageType type() {
        return MessageType.COMPRESS;
    }
}
