package dev.memberlist.engine.transport.mock;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.transport.AdvertiseAddress;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.transport.Transport;
import dev.memberlist.engine.transport.TransportListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** One node's end of a {@link MockNetwork}. */
public final class MockTransport implements Transport {
    MockTransport() {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void start(TransportListener listener) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public AdvertiseAddress finalAdvertiseAddr(String ip, int port) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public CompletableFuture<Void> writeToAddress(byte[] buf, Address addr) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public CompletableFuture<StreamConnection> dialAddress(Address addr, Duration timeout) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void shutdown() {
        throw new UnsupportedOperationException("TODO");
    }
}
