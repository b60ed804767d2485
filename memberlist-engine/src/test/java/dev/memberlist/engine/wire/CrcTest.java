package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CrcTest {
    @Test
    void addAndVerify() {
        byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] wrapped = Crc.addCrc(payload);
        // crc32.ChecksumIEEE("hello") = 0x3610a686
        assertThat(GoVectors.HEX.formatHex(wrapped)).isEqualTo("0c3610a686" + GoVectors.HEX.formatHex(payload));
        assertThat(Crc.hasCrc(wrapped)).isTrue();
        assertThat(Crc.verify(wrapped)).isTrue();
    }

    @Test
    void detectsCorruption() {
        byte[] wrapped = Crc.addCrc("hello".getBytes(StandardCharsets.UTF_8));
        for (int i = 1; i < wrapped.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = wrapped.clone();
                bad[i] ^= (byte) (1 << bit);
                assertThat(Crc.verify(bad)).as("byte %d bit %d", i, bit).isFalse();
            }
        }
    }

    @Test
    void emptyPayloadAndShortBuffers() {
        byte[] empty = Crc.addCrc(new byte[0]);
        assertThat(empty).containsExactly(12, 0, 0, 0, 0);
        assertThat(Crc.hasCrc(empty)).isTrue();
        assertThat(Crc.verify(empty)).isTrue();
        assertThat(Crc.hasCrc(new byte[] {12, 0, 0, 0})).isFalse();
        assertThat(Crc.hasCrc(new byte[] {4, 0, 0, 0, 0})).isFalse();
        assertThat(Crc.verify(new byte[] {12, 0, 0})).isFalse();
    }
}
