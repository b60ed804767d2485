package dev.memberlist.engine.transport.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address whose connects hang: a listener that never accepts, with its accept queue
 * filled, so Linux drops the SYNs of further connects until they time out.
 */
final class Blackhole implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    private Blackhole(ServerSocket server) {
        this.server = server;
    }

    static Blackhole open() throws IOException {
        Blackhole hole = new Blackhole(new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")));
        try {
            for (int i = 0; i < 16; i++) {
                Socket s = new Socket();
                try {
                    s.connect(hole.address(), 200);
                    hole.fillers.add(s);
                } catch (SocketTimeoutException full) {
                    s.close();
                    return hole;
                }
            }
        } catch (IOException | RuntimeException e) {
            hole.close();
            throw e;
        }
        hole.close();
        throw new IllegalStateException("could not fill the accept queue of a loopback listener");
    }

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        server.close();
    }
}
