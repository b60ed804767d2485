package dev.memberlist.engine.transport;

import dev.memberlist.engine.Address;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * How a node moves bytes: unreliable packets and reliable streams (Go's
 * {@code NodeAwareTransport}). The protocol above it adds labels, compression, checksums and
 * encryption; a transport only carries bytes.
 *
 * <p>Implementations: {@code NetTransport} (UDP and TCP on Netty) and {@code MockNetwork}'s
 * in-memory transports.
 */
public interface Transport {
    /**
     * Binds and starts delivering to the listener. Called once, before any other method.
     *
     * @throws IOException when binding fails
     */
    void start(TransportListener listener) throws IOException;

    /**
     * The address to advertise to other nodes.
     *
     * @param ip the configured advertise address, or null/empty to let the transport choose
     * @param port the configured advertise port; like Go, used with an explicit {@code ip}, while a
     *     chosen address comes with the bound port
     */
    AdvertiseAddress finalAdvertiseAddr(String ip, int port) throws IOException;

    /** Sends one datagram; completes when handed to the network, exceptionally if that failed. */
    CompletableFuture<Void> writeToAddress(byte[] buf, Address addr);

    /** Opens a stream; fails if not connected within the timeout. */
    CompletableFuture<StreamConnection> dialAddress(Address addr, Duration timeout);

    /** Unbinds and closes everything; idempotent. */
    void shutdown();
}
