package dev.memberlist.spring.boot.autoconfigure.aot;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandler;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msgpack.core.buffer.MessageBuffer;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** Tests for {@link MemberlistRuntimeHints}. */
class MemberlistRuntimeHintsTests {

    private final RuntimeHints hints = new RuntimeHints();

    MemberlistRuntimeHintsTests() {
        new MemberlistRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
    }

    @Test
    void isRegisteredInAotFactories() {
        // what an application's AOT processing loads
        List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader.forResourceLocation(
                        "META-INF/spring/aot.factories")
                .load(RuntimeHintsRegistrar.class);
        assertThat(registrars).hasAtLeastOneElementOfType(MemberlistRuntimeHints.class);
    }

    @Test
    void msgpackGetsUnsafeFromItsField() throws Exception {
        assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(sunMiscUnsafe(), "theUnsafe"))
                .accepts(this.hints);
    }

    @Test
    void everyMsgpackBufferCanBeConstructedAsMsgpackDoes() throws Exception {
        for (String name : MemberlistRuntimeHints.MSGPACK_BUFFERS) {
            Class<?> buffer = Class.forName(name);
            Constructor<?> ofArray = buffer.getDeclaredConstructor(byte[].class, int.class, int.class);
            Constructor<?> ofByteBuffer = buffer.getDeclaredConstructor(ByteBuffer.class);
            assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(ofArray))
                    .as("%s(byte[], int, int)", name)
                    .accepts(this.hints);
            assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(ofByteBuffer))
                    .as("%s(ByteBuffer)", name)
                    .accepts(this.hints);
        }
    }

    @Test
    void theMsgpackBufferThisJvmUsesIsAmongThem() {
        // msgpack-core chose it by name when MessageBuffer was initialized
        String used = MessageBuffer.allocate(8).getClass().getName();
        assertThat(MemberlistRuntimeHints.MSGPACK_BUFFERS).contains(used);
    }

    @Test
    void everyNettyHandlerOfTheEngineCanBeIntrospected() throws Exception {
        List<Class<?>> handlers = engineChannelHandlers();
        assertThat(handlers).as("the engine's channel handlers").isNotEmpty();
        for (Class<?> handler : handlers) {
            // by name: the anonymous ones have no canonical name for onType(Class)
            assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of(handler.getName())))
                    .as("type hint for %s", handler.getName())
                    .accepts(this.hints);
        }
        // and nothing stale: every handler named in the hints still is one
        assertThat(handlers)
                .extracting(Class::getName)
                .containsExactlyInAnyOrderElementsOf(MemberlistRuntimeHints.ENGINE_HANDLERS);
    }

    /** Every class of the engine's jar that Netty treats as a channel handler. */
    private static List<Class<?>> engineChannelHandlers() throws Exception {
        ClassLoader loader = MemberlistRuntimeHintsTests.class.getClassLoader();
        Resource[] classes = new PathMatchingResourcePatternResolver(loader)
                .getResources("classpath*:dev/memberlist/engine/**/*.class");
        // the engine's own jar (or classes folder) only, not its test-jar
        String engine = dev.memberlist.engine.Memberlist.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .getPath();
        List<Class<?>> handlers = new ArrayList<>();
        for (Resource resource : classes) {
            String path = resource.getURL().toString();
            if (!path.contains(engine)) {
                continue;
            }
            String name = path.substring(path.lastIndexOf("dev/memberlist/engine/"), path.length() - ".class".length())
                    .replace('/', '.');
            Class<?> type = Class.forName(name, false, loader);
            if (ChannelHandler.class.isAssignableFrom(type)) {
                handlers.add(type);
            }
        }
        return handlers;
    }

    private static Class<?> sunMiscUnsafe() throws ClassNotFoundException {
        return Class.forName("sun.misc.Unsafe");
    }
}
