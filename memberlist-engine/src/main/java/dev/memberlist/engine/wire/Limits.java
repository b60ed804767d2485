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
    /** Most parts in one compound message. */
    public static final int MAX_COMPOUND_PARTS = 255;
    /** Most concurrent inbound push-pulls (Go's {@code maxPushPullRequests}). */
    public static final int MAX_PUSH_PULL_REQUESTS = 128;
    /** Largest datagram read. */
    public static final int UDP_PACKET_BUF_SIZE = 65536;

    private Limits() {}
}
