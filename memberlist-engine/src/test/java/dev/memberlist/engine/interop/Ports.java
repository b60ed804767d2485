package dev.memberlist.engine.interop;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free port ranges on loopback, for peers that take fixed ports. */
public final class Ports {
    private Ports() {}

    /** The first of {@code n} consecutive ports free for both UDP and TCP on 127.0.0.1. */
    public static synchronized int freeRange(int n) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20000 + ThreadLocalRandom.current().nextInt(30000);
            boolean ok = true;
            for (int p = base; p < base + n && ok; p++) {
                ok = free(p);
            }
            if (ok) {
                return base;
            }
        }
        throw new IllegalStateException("no " + n + " consecutive free ports found");
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
