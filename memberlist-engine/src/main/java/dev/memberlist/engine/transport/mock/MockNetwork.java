package dev.memberlist.engine.transport.mock;

import dev.memberlist.engine.scheduler.Simulation;

/**
 * An in-memory network for deterministic protocol tests and simulations (Go's
 * {@code MockNetwork}). Each {@link #newTransport(String)} gets its own address; packets are
 * routed by node name when the destination {@code Address} has one, else by socket address.
 */
public final class MockNetwork {
    /** A network that delivers at once, on the sender's thread (for nodes on real schedulers). */
    public MockNetwork() {
        throw new UnsupportedOperationException("TODO");
    }

    /** A network on a simulation's virtual clock; every delivery is a scheduled event. */
    public MockNetwork(Simulation simulation) {
        throw new UnsupportedOperationException("TODO");
    }

    /** A transport for a node of this name, with a fresh address. */
    public MockTransport newTransport(String name) {
        throw new UnsupportedOperationException("TODO");
    }
}
