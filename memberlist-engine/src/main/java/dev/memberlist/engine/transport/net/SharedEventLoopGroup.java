package dev.memberlist.engine.transport.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The NIO event loop group every {@link NetTransport} without its own group runs on. Many nodes
 * can live in one JVM (tests, benchmarks), so they share one thread per CPU instead of each
 * starting their own; DNS seed lookups run on it too. Created on first use, never shut down:
 * its threads are daemons.
 */
public final class SharedEventLoopGroup {
    private SharedEventLoopGroup() {}

    /** The group, created on first call. */
    public static EventLoopGroup get() {
        return Holder.GROUP;
    }

    private static final class Holder {
        // class initialisation makes the lazy creation thread-safe
        static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(
                Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("memberlist-net", true),
                NioIoHandler.newFactory());
    }
}
