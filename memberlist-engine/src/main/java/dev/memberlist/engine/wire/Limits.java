package dev.memberlist.engine.wire;

/** Go memberlist's size limits (HEAD), enforced on everything we receive. */
public final class Limits {
    /** Largest encrypted stream message and push-pull user state (Go's {@code maxPushStateBytes}). */
    public static final int MAX_PUSH_STATE_BYTES = 20 * 1024 * 1024;
    /** Most node states in one push-pull (Go's {@code maxPushStateNodes}). */
    public static final int MAX_PUSH_STATE_NODES = 1024 * 1024;
    /** Largest reliable user message (Go's {@code maxUserMsgBytes}). */
    public static final int MAX_USER_MSG_BYTES = 20 * 1024 * 1024;
    /** Largest decompressed payload (Go's {@code maxDecompressedBytes}). */
    public static final int MAX_DECOMPRESSED_BYTES = 2 * 20 * 1024 * 1024;
    /** Most parts in one compound message we read: its count is one byte. */
    public static final int MAX_COMPOUND_PARTS = 255;
    /**
     * Most parts in one compound message we write. Go 0.2.2 computes the size of the length
     * table as {@code numParts * 2} in a {@code uint8}, so a compound of 128 parts or more
     * reaches it as garbage and every part is lost; newer Go reads 255, and every Go reads 127.
     */
    public static final int MAX_COMPOUND_PARTS_SENT = 127;
    /**
     * What one datagram may decode to, decompressed parts and compound parts together: a legit
     * packet never exceeds its UDP buffer size decompressed (1,400 bytes by default, 64 KiB at
     * most), while LZW lets 60 KB of nested compressed parts claim 80 MiB. Past it the whole
     * packet is dropped.
     */
    public static final int MAX_PACKET_DECODED_BYTES = 1 << 20;
    /** Most messages one datagram may decode to (Go's compounds hold at most 255). */
    public static final int MAX_PACKET_MESSAGES = 4096;
    /** Most concurrent inbound push-pulls (Go's {@code maxPushPullRequests}). */
    public static final int MAX_PUSH_PULL_REQUESTS = 128;
    /** Largest datagram read. */
    public static final int UDP_PACKET_BUF_SIZE = 65536;

    private Limits() {}
}
