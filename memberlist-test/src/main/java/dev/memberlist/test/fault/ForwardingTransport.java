package dev.memberlist.test.fault;

import dev.memberlist.engine.Address;
import dev.memberlist.engine.transport.AdvertiseAddress;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.transport.Transport;
import dev.memberlist.engine.transport.TransportListener;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A transport that hands everything to another: a wrapper overrides only what it changes. */
public abstract class ForwardingTransport implements Transport {
    /** The wrapped transport. */
    protected final Transport inner;

    /** @param inner the wrapped transport */
    protected ForwardingTransport(Transport inner) {
        this.inner = inner;
    }

    @Override
    public void start(TransportListener listener) throws IOException {
        inner.start(listener);
    }

    @Override
    public AdvertiseAddress finalAdvertiseAddr(String ip, int port) throws IOException {
        return inner.finalAdvertiseAddr(ip, port);
    }

    @Override
    public CompletableFuture<Void> writeToAddress(byte[] buf, Address addr) {
        return inner.writeToAddress(buf, addr);
    }

    @Override
    public CompletableFuture<StreamConnection> dialAddress(Address addr, Duration timeout) {
        return inner.dialAddress(addr, timeout);
    }

    @Override
    public void shutdown() {
        inner.shutdown();
    }
}
