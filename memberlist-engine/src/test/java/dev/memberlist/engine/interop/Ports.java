package dev.memberlist.engine.interop;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free port ranges on loopback, for peers that take fixed ports.
 *
 * <p>Ranges are drawn below the kernel's ephemeral range: a port found free there can be taken a
 * moment later by any outgoing connection (the peer's own nodes dialling each other took one in
 * CI), while ports below it are only ever bound on purpose. Ranges handed out recently in this JVM
 * are not handed out again, since a peer may not have bound them yet.
 */
public final class Ports {
    private static final int LOWEST = 10000;
    private static final Deque<int[]> recent = new ArrayDeque<>();

    private Ports() {}

    /** The first of {@code n} consecutive ports free for both UDP and TCP on 127.0.0.1. */
    public static synchronized int freeRange(int n) {
        int highest = ephemeralLow() - n;
        for (int attempt = 0; attempt < 500; attempt++) {
            int base = LOWEST + ThreadLocalRandom.current().nextInt(highest - LOWEST);
            boolean ok = recent.stream().noneMatch(r -> base < r[0] + r[1] && r[0] < base + n);
            for (int p = base; p < base + n && ok; p++) {
                ok = free(p);
            }
            if (ok) {
                recent.addLast(new int[] {base, n});
                if (recent.size() > 64) {
                    recent.removeFirst();
                }
                return base;
            }
        }
        throw new IllegalStateException("no " + n + " consecutive free ports found");
    }

    /** The kernel's first ephemeral port (Linux), or IANA's 49152 where it cannot be read. */
    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return Math.max(LOWEST + 1000, low);
        } catch (IOException | RuntimeException e) {
            return 49152;
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket();
                DatagramSocket d = new DatagramSocket(null)) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            d.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
