package dev.memberlist.engine;

/**
 * The state of a member as seen by one node. The numeric codes are the ones Go's memberlist
 * writes in push-pull node states ({@code StateAlive}=0 ... {@code StateLeft}=3).
 */
public enum NodeState {
    /** Answers probes. */
    ALIVE(0),
    /** Failed a probe; dead unless it refutes before its suspicion timeout. */
    SUSPECT(1),
    /** Declared failed. */
    DEAD(2),
    /** Left gracefully. */
    LEFT(3);

    private final int code;

    NodeState(int code) {
        this.code = code;
    }

    /** The value on the wire. */
    public int code() {
        return code;
    }

    /** The state for a wire value; unknown values map to {@link #DEAD}, as Go treats them. */
    public static NodeState fromCode(long code) {
        return switch ((int) code) {
            case 0 -> ALIVE;
            case 1 -> SUSPECT;
            case 3 -> LEFT;
            default -> DEAD;
        };
    }

    /** True for {@link #DEAD} and {@link #LEFT}. */
    public boolean deadOrLeft() {
        return this == DEAD || this == LEFT;
    }
}
