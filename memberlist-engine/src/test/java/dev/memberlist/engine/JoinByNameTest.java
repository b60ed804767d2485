package dev.memberlist.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.memberlist.engine.interop.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Joining by DNS name over real loopback: every address a name resolves to is contacted. */
class JoinByNameTest {
    private final List<Memberlist> nodes = new ArrayList<>();

    private Memberlist node(String ip, int port, AddressResolver resolver) throws IOException {
        Memberlist m = Memberlist.create(Config.local()
                .setName("node-" + nodes.size())
                .setBindAddr(ip)
                .setAdvertiseAddr(ip)
                .setBindPort(port)
                .setAdvertisePort(port)
                .setAddressResolver(resolver));
        nodes.add(m);
        return m;
    }

    @AfterEach
    void close() {
        nodes.forEach(Memberlist::shutdown);
    }

    @Test
    void aNameThatResolvesToSeveralNodesJoinsThemAll() throws Exception {
        int port = Ports.freeRange(1);
        node("127.0.0.21", port, AddressResolver.SYSTEM);
        node("127.0.0.22", port, AddressResolver.SYSTEM);
        AtomicReference<String> resolvedOn = new AtomicReference<>();
        AddressResolver dns = host -> {
            resolvedOn.set(Thread.currentThread().getName());
            if (!host.equals("seeds.cluster.test")) {
                throw new UnknownHostException(host);
            }
            return List.of(InetAddress.getByName("127.0.0.21"), InetAddress.getByName("127.0.0.22"));
        };
        Memberlist joiner = node("127.0.0.23", port, dns);
        // the port defaults to our own bind port, as in Go
        assertThat(joiner.join(List.of("seeds.cluster.test"))).isEqualTo(2);
        assertThat(resolvedOn.get()).startsWith("memberlist-delegate-");
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes.stream().allMatch(m -> m.numMembers() == 3));
        assertThatThrownBy(() -> joiner.join(List.of("nowhere.cluster.test:" + port)))
                .isInstanceOf(MemberlistException.class)
                .hasMessageContaining("Failed to resolve nowhere.cluster.test");
    }

    @Test
    void localhostWithAPortJoinsThroughTheSystemResolver() throws Exception {
        Memberlist seed = node("127.0.0.1", 0, AddressResolver.SYSTEM);
        Memberlist joiner = node("127.0.0.1", 0, AddressResolver.SYSTEM);
        int port = seed.advertiseAddress().getPort();
        // localhost may also resolve to ::1, where nothing listens: one contact is enough
        assertThat(joiner.join(List.of("localhost:" + port))).isGreaterThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> seed.numMembers() == 2);
    }
}
