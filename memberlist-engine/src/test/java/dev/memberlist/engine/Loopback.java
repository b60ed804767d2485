package dev.memberlist.engine;

import dev.memberlist.engine.metrics.Metrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** Test nodes on real loopback sockets that do nothing on their own: the test drives them. */
final class Loopback {
    private Loopback() {}

    /** LAN profile on 127.0.0.1, a free port, no probes, gossip or push-pull of its own. */
    static Config quiet(String name) {
        return Config.lan()
                .setName(name)
                .setBindAddr("127.0.0.1")
                .setAdvertiseAddr("127.0.0.1")
                .setBindPort(0)
                .setProbeInterval(Duration.ZERO)
                .setGossipInterval(Duration.ZERO)
                .setPushPullInterval(Duration.ZERO);
    }

    /** A metrics sink that counts the increments of one counter carrying one tag value. */
    static Metrics counting(String counter, String tag, LongAdder into) {
        return new Metrics() {
            @Override
            public void incrCounter(String name, double amount, String... tags) {
                if (name.equals(counter) && List.of(tags).contains(tag)) {
                    into.increment();
                }
            }
        };
    }
}
