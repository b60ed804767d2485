package dev.memberlist.spring.boot.event;

import dev.memberlist.engine.Memberlist;
import java.util.List;
import org.springframework.context.ApplicationEvent;

/**
 * The local node joined its cluster through its seeds: published once per start, when the
 * start-up join or one of its background retries first reaches a seed. Published on the
 * joining thread ({@code memberlist-join}), never on the protocol's.
 */
public class MemberlistJoinedEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final List<String> seeds;

    private final int contacted;

    /**
     * @param memberlist the local node
     * @param seeds the addresses it tried
     * @param contacted how many of them answered
     */
    public MemberlistJoinedEvent(Memberlist memberlist, List<String> seeds, int contacted) {
        super(memberlist);
        this.seeds = List.copyOf(seeds);
        this.contacted = contacted;
    }

    /** The local node. */
    public Memberlist getMemberlist() {
        return (Memberlist) getSource();
    }

    /** The addresses the node tried: its seeds, and after a restart the members it knew. */
    public List<String> getSeeds() {
        return this.seeds;
    }

    /** How many of them answered. */
    public int getContacted() {
        return this.contacted;
    }

    @Override
    public String toString() {
        return "MemberlistJoinedEvent[" + getMemberlist().name() + " through " + this.contacted + " of " + this.seeds
                + "]";
    }
}
