package dev.memberlist.test.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.Config;
import dev.memberlist.engine.Memberlist;
import dev.memberlist.engine.Node;
import dev.memberlist.engine.NodeState;
import dev.memberlist.engine.Warmup;
import dev.memberlist.engine.delegate.EventDelegate;
import dev.memberlist.engine.scheduler.Strand;
import dev.memberlist.engine.transport.net.NetTransport;
import dev.memberlist.engine.transport.net.NetTransportConfig;
import dev.memberlist.test.fault.LinkFaults.Rule;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fault wrapper around real sockets: five nodes on loopback, each a {@code NetTransport}
 * inside a {@link FaultyTransport}, local-profile timings, 25% of all packets lost on every
 * link from the start. The cluster forms (joins are TCP), stays healthy (no node declared
 * dead by anyone; probes that lose their UDP ping or ack get through on the TCP fallback, as
 * in Go), and still detects a crash: a dial to a closed port is refused at once, so the
 * fallback fails and the crashed node is suspected, then declared dead after Lifeguard's
 * suspicion timeout (3 to 18 s at 5 nodes with the local profile).
 */
class LossyLoopbackTest {
    private static final int NODES = 5;
    private final List<Memberlist> nodes = new ArrayList<>();
    /** Failures declared, as "observer -> node". */
    private final Queue<String> deaths = new ConcurrentLinkedQueue<>();

    @AfterEach
    void shutdown() {
        nodes.forEach(Memberlist::shutdown);
    }

    private Memberlist start(String name, LinkFaults faults) throws IOException {
        NetTransport net = new NetTransport(NetTransportConfig.builder()
                .bindAddrs("127.0.0.1")
                .bindPort(0)
                .connectTimeout(Duration.ofSeconds(1))
                .build());
        FaultyTransport faulty = new FaultyTransport(net, name, faults, new Strand("faults-" + name));
        Memberlist m = Memberlist.create(Config.local()
                .setName(name)
                .setBindAddr("127.0.0.1")
                .setTransport(faulty)
                .setEvents(new EventDelegate() {
                    @Override
                    public void notifyJoin(Node node) {}

                    @Override
                    public void notifyLeave(Node node) {
                        if (node.state() == NodeState.DEAD) {
                            deaths.add(name + " -> " + node.name());
                        }
                    }

                    @Override
                    public void notifyUpdate(Node node) {}
                }));
        nodes.add(m);
        return m;
    }

    private boolean allAlive(List<Memberlist> observers, int members) {
        for (Memberlist m : observers) {
            if (m.members().stream().filter(n -> n.state() == NodeState.ALIVE).count() != members) {
                return false;
            }
        }
        return true;
    }

    @Test
    void fiveNodesStayHealthyUnderQuarterLossAndStillDetectACrash() throws IOException {
        Warmup.loopback();
        LinkFaults faults = new LinkFaults(42).setAll(Rule.loss(0.25));
        for (int i = 0; i < NODES; i++) {
            start("lossy-" + i, faults);
        }
        String seed = "127.0.0.1:" + nodes.get(0).advertiseAddress().getPort();
        for (int i = 1; i < NODES; i++) {
            assertThat(nodes.get(i).join(List.of(seed))).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> allAlive(nodes, NODES));

        // ten seconds of lossy probing and gossip: every node keeps every node as a member
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20)).until(() -> nodes.stream()
                .allMatch(m -> m.numMembers() == NODES));
        assertThat(deaths).as("healthy nodes declared dead").isEmpty();
        assertThat(faults.stats().lost()).isPositive();

        Memberlist victim = nodes.get(NODES - 1);
        victim.shutdown();
        List<Memberlist> live = nodes.subList(0, NODES - 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> live.stream()
                .allMatch(m -> m.node(victim.name()) == null
                        || m.node(victim.name()).state().deadOrLeft()));
        assertThat(deaths).as("only the crashed node declared dead").allMatch(d -> d.endsWith(" -> " + victim.name()));
        assertThat(allAlive(live, NODES - 1)).isTrue();
    }
}
