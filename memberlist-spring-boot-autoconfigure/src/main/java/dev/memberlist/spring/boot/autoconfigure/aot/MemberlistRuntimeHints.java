package dev.memberlist.spring.boot.autoconfigure.aot;

import java.nio.ByteBuffer;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * The reflection the engine and msgpack-core do at runtime, for a native image; registered in
 * {@code META-INF/spring/aot.factories}, so an application's AOT processing picks it up.
 *
 * <p>What is reflective, and nothing else (the rest is plain code, or covered by its owner):
 *
 * <ul>
 *   <li>msgpack-core's {@code MessageBuffer} gets {@code sun.misc.Unsafe} from its {@code
 *       theUnsafe} field, then loads the buffer class for the platform by name ({@code
 *       MessageBufferU}, {@code MessageBufferBE} on big-endian machines, {@code MessageBuffer}
 *       with {@code -Dmsgpack.universal-buffer=true}) and calls its {@code (byte[], int, int)}
 *       and {@code (ByteBuffer)} constructors. Its {@code DirectBufferAccess} reflects into the
 *       JDK's direct buffers only for a direct {@code ByteBuffer}, which neither the engine nor
 *       the starter hands it (both read and write byte arrays), so it is left out.
 *   <li>Netty looks up each channel handler's public methods once ({@code ChannelHandlerMask}, to
 *       skip those marked {@code @Skip}); Netty's jars carry that metadata for their own
 *       handlers and channels, the engine's handlers are here.
 * </ul>
 *
 * The engine loads no class, resource or service by name, and its {@code VarHandle}s over arrays
 * need no metadata. {@code MemberlistProperties}, the endpoint's operations and descriptors, and
 * the failure analyzer in {@code spring.factories} are covered by Spring Boot's own AOT
 * processing.
 */
class MemberlistRuntimeHints implements RuntimeHintsRegistrar {

    /** msgpack-core's buffer implementations, one of which it picks by name at class init. */
    static final List<String> MSGPACK_BUFFERS = List.of(
            "org.msgpack.core.buffer.MessageBufferU",
            "org.msgpack.core.buffer.MessageBufferBE",
            "org.msgpack.core.buffer.MessageBuffer");

    /**
     * The engine's Netty handlers. The anonymous ones are the {@code ChannelInitializer}s of
     * {@code NetTransport}'s outgoing and incoming streams and of outgoing packet connections; {@code MemberlistRuntimeHintsTests}
     * fails when the engine's handlers change.
     */
    static final List<String> ENGINE_HANDLERS = List.of(
            "dev.memberlist.engine.transport.net.PacketHandler",
            "dev.memberlist.engine.transport.net.StreamHandler",
            "dev.memberlist.engine.transport.net.NetTransport$1",
            "dev.memberlist.engine.transport.net.NetTransport$2",
            // TCP mode: the first-byte sniffer, packet frames, the outbound packet connections
            "dev.memberlist.engine.transport.net.InboundSniffer",
            "dev.memberlist.engine.transport.net.PacketFrameDecoder",
            "dev.memberlist.engine.transport.net.PacketConnections$OutboundHandler",
            "dev.memberlist.engine.transport.net.PacketConnections$Connection$1",
            // TLS: counts and logs failed handshakes
            "dev.memberlist.engine.transport.net.TlsHandshakes");

    @Override
    public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
        hints.reflection().registerType(TypeReference.of("sun.misc.Unsafe"), (type) -> type.withField("theUnsafe"));
        for (String buffer : MSGPACK_BUFFERS) {
            hints.reflection().registerType(TypeReference.of(buffer), (type) -> type.withConstructor(
                            List.of(
                                    TypeReference.of(byte[].class),
                                    TypeReference.of(int.class),
                                    TypeReference.of(int.class)),
                            ExecutableMode.INVOKE)
                    .withConstructor(List.of(TypeReference.of(ByteBuffer.class)), ExecutableMode.INVOKE));
        }
        for (String handler : ENGINE_HANDLERS) {
            // a registered type may be introspected: getMethod and its annotations, what Netty asks
            hints.reflection().registerType(TypeReference.of(handler));
        }
    }
}
