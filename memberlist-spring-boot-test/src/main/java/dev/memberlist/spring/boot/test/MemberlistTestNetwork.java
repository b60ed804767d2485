package dev.memberlist.spring.boot.test;

import dev.memberlist.test.network.MockNetwork;

/**
 * The in-memory network shared by every test context of the JVM that runs with {@link
 * AutoConfigureMemberlist.Network#IN_MEMORY}. A test may reach it to inject faults (partitions,
 * loss, delays through {@link MockNetwork#setFaults}) between its contexts' nodes.
 */
public final class MemberlistTestNetwork {

    /** Real-time mode: deliveries happen at once, on the sender's thread; nodes keep their real schedulers. */
    private static final MockNetwork NETWORK = new MockNetwork();

    private MemberlistTestNetwork() {}

    /**
     * The JVM's in-memory network.
     *
     * @return the network every {@code IN_MEMORY} test context's node is on
     */
    public static MockNetwork inMemory() {
        return NETWORK;
    }
}
