package dev.memberlist.engine.transport.net;

import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.transport.StreamConnection;
import dev.memberlist.engine.transport.TransportListener;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Test doubles that record what a transport delivers. */
final class Recorders {
    private Recorders() {}

    /** Queues packets and streams. */
    static final class Listener implements TransportListener {
        final BlockingQueue<Packet> packets = new LinkedBlockingQueue<>();
        final BlockingQueue<StreamConnection> streams = new LinkedBlockingQueue<>();
        /** The thread of the latest delivery. */
        volatile Thread lastThread;

        @Override
        public void onPacket(Packet packet) {
            lastThread = Thread.currentThread();
            packets.add(packet);
        }

        @Override
        public void onStream(StreamConnection connection) {
            lastThread = Thread.currentThread();
            streams.add(connection);
        }

        Packet nextPacket() throws InterruptedException {
            Packet p = packets.poll(10, TimeUnit.SECONDS);
            if (p == null) {
                throw new AssertionError("no packet within 10 s");
            }
            return p;
        }

        StreamConnection nextStream() throws InterruptedException {
            StreamConnection s = streams.poll(10, TimeUnit.SECONDS);
            if (s == null) {
                throw new AssertionError("no stream within 10 s");
            }
            return s;
        }
    }

    /** Collects a stream's bytes and its end. */
    static final class Reader implements StreamConnection.Reader {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicInteger chunks = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        /** Completes at onClose: with the cause, or null for an orderly end. */
        final CompletableFuture<Throwable> closed = new CompletableFuture<>();

        @Override
        public void onData(byte[] chunk) {
            synchronized (bytes) {
                bytes.writeBytes(chunk);
            }
            chunks.incrementAndGet();
        }

        @Override
        public void onClose(Throwable cause) {
            closes.incrementAndGet();
            closed.complete(cause);
        }

        byte[] bytes() {
            synchronized (bytes) {
                return bytes.toByteArray();
            }
        }

        int size() {
            synchronized (bytes) {
                return bytes.size();
            }
        }

        /** The close cause, waiting up to 10 s for the end. */
        Throwable awaitClose() throws Exception {
            return closed.get(10, TimeUnit.SECONDS);
        }
    }
}
