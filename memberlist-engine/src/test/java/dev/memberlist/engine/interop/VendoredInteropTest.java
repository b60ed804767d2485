package dev.memberlist.engine.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code interop/go-peer} and {@code interop/go-wire-newer} are copies of the shared reference
 * material ({@code ../shared/go-peer}, {@code ../shared/go-wire-newer})
 * so that a clean clone tests on its own; when the shared folder is present, each copy must be
 * identical to it.
 */
class VendoredInteropTest {

    @Test
    void theCopyOfTheGoPeerAndItsVectorsMatchesTheSharedReference() throws IOException {
        assertThat(GoPeer.projectRoot().resolve("interop/go-peer/vectors/go-memberlist-0.2.2.jsonl"))
                .isRegularFile();
        sameAsShared("go-peer");
    }

    @Test
    void theCopyOfTheNewerGoWireMatchesTheSharedReference() throws IOException {
        assertThat(GoPeer.projectRoot().resolve("interop/go-wire-newer/go-memberlist-0.5.3.jsonl"))
                .isRegularFile();
        sameAsShared("go-wire-newer");
    }

    private static void sameAsShared(String folder) throws IOException {
        Path copy = GoPeer.projectRoot().resolve("interop/" + folder);
        Path shared = GoPeer.projectRoot().resolve("../shared/" + folder).normalize();
        if (!Files.isDirectory(shared)) {
            // a clone away from the shared folder: the copy is all there is
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(shared)) {
            files = s.filter(Files::isRegularFile).map(shared::relativize).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            assertThat(copy.resolve(f)).as(f.toString()).hasSameBinaryContentAs(shared.resolve(f));
        }
    }
}
