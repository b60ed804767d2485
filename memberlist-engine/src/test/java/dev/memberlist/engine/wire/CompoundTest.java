package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ports of Go's util_test.go compound tests, plus a split at 127 parts, which every Go version reads. */
class CompoundTest {
    private static final byte[] PING = MessageCodec.encode(new Ping(100, "", null, 0, ""));

    @Test
    void makeCompoundMessage() {
        // TestMakeCompoundMessage: 3 parts, 2 bytes of header and 2 per part.
        byte[] compound = Compound.makeCompoundMessage(List.of(PING, PING, PING));
        assertThat(compound).hasSize(3 * PING.length + 3 * 2 + 2);
        assertThat(compound[0]).isEqualTo((byte) 7);
        assertThat(compound[1]).isEqualTo((byte) 3);
    }

    @Test
    void decodeCompoundMessage() throws DecodeException {
        byte[] compound = Compound.makeCompoundMessage(List.of(PING, PING, PING));
        Compound.Parts parts = Compound.decodeCompoundMessage(compound, 1, compound.length - 1);
        assertThat(parts.truncated()).isZero();
        assertThat(parts.parts()).hasSize(3).allSatisfy(p -> assertThat(p).isEqualTo(PING));
    }

    @Test
    void decodeCompoundMessageTrunc() throws DecodeException {
        // TestDecodeCompoundMessage_Trunc: compound.Bytes()[1:38] keeps two whole 15-byte pings.
        byte[] compound = Compound.makeCompoundMessage(List.of(PING, PING, PING));
        assertThat(PING).hasSize(15);
        Compound.Parts parts = Compound.decodeCompoundMessage(compound, 1, 37);
        assertThat(parts.truncated()).isEqualTo(1);
        assertThat(parts.parts()).hasSize(2).allSatisfy(p -> assertThat(p).isEqualTo(PING));
    }

    @Test
    void truncationAtEveryLength() throws DecodeException {
        byte[] compound = Compound.makeCompoundMessage(List.of(PING, PING, PING));
        for (int len = 1; len < compound.length; len++) {
            if (len < 1 + 1 + 6) {
                int n = len - 1;
                assertThatThrownBy(() -> Compound.decodeCompoundMessage(compound, 1, n))
                        .as("length %d", n)
                        .isInstanceOf(DecodeException.class)
                        .hasMessageContaining(len <= 1 ? "missing compound length byte" : "truncated len slice");
                continue;
            }
            Compound.Parts parts = Compound.decodeCompoundMessage(compound, 1, len - 1);
            int whole = (len - 8) / PING.length;
            assertThat(parts.parts()).hasSize(whole);
            assertThat(parts.truncated()).isEqualTo(3 - whole);
        }
    }

    @Test
    void zeroPartsAndEmptyParts() throws DecodeException {
        byte[] none = Compound.makeCompoundMessage(List.of());
        assertThat(none).containsExactly(7, 0);
        assertThat(Compound.decodeCompoundMessage(none, 1, 1).parts()).isEmpty();
        byte[] empty = Compound.makeCompoundMessage(List.of(new byte[0], PING));
        Compound.Parts parts = Compound.decodeCompoundMessage(empty, 1, empty.length - 1);
        assertThat(parts.parts()).hasSize(2);
        assertThat(parts.parts().get(0)).isEmpty();
    }

    @Test
    void moreThan128PartsDoNotOverflowTheLengthTable() throws DecodeException {
        // Go 0.2.2 computed numParts*2 as a uint8; 200 parts (as newer Go sends, up to 255) must
        // need 400 bytes of lengths. We write at most 127, so this one is built by hand.
        byte[] compound = new byte[2 + 200 * 3];
        compound[0] = (byte) MessageType.COMPOUND.code();
        compound[1] = (byte) 200;
        for (int i = 0; i < 200; i++) {
            compound[2 + 2 * i + 1] = 1;
            compound[2 + 400 + i] = (byte) i;
        }
        Compound.Parts parts = Compound.decodeCompoundMessage(compound, 1, compound.length - 1);
        assertThat(parts.parts()).hasSize(200);
        assertThatThrownBy(() -> Compound.decodeCompoundMessage(compound, 1, 1 + 2 * 199))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("truncated len slice");
    }

    @Test
    void splitsAt127WhichEveryGoVersionReads() throws DecodeException {
        List<byte[]> msgs = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            msgs.add(MessageCodec.encode(new NackResp(i)));
        }
        List<byte[]> compounds = Compound.makeCompoundMessages(msgs);
        assertThat(compounds).hasSize(5);
        List<byte[]> back = new ArrayList<>();
        int[] counts = {127, 127, 127, 127, 92};
        for (int i = 0; i < compounds.size(); i++) {
            byte[] c = compounds.get(i);
            assertThat(c[1] & 0xff).isEqualTo(counts[i]);
            Compound.Parts parts = Compound.decodeCompoundMessage(c, 1, c.length - 1);
            assertThat(parts.truncated()).isZero();
            back.addAll(parts.parts());
        }
        assertThat(back).hasSize(600);
        for (int i = 0; i < 600; i++) {
            assertThat(back.get(i)).isEqualTo(msgs.get(i));
        }
        // Exactly 127 is one compound; 128 is 127 + a compound of one (Go HEAD splits at 255)
        assertThat(Compound.makeCompoundMessages(msgs.subList(0, 127))).hasSize(1);
        assertThatThrownBy(() -> Compound.makeCompoundMessage(msgs.subList(0, 128)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 127");
        List<byte[]> two = Compound.makeCompoundMessages(msgs.subList(0, 128));
        assertThat(two).hasSize(2);
        assertThat(two.get(1)[1]).isEqualTo((byte) 1);
        assertThat(Compound.makeCompoundMessages(List.of())).isEmpty();
    }

    @Test
    void rejectsWhatGoWouldCorrupt() {
        List<byte[]> many = new ArrayList<>(Arrays.asList(new byte[256][1]));
        assertThatThrownBy(() -> Compound.makeCompoundMessage(many)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Compound.makeCompoundMessage(List.of(new byte[65536])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Compound.makeCompoundMessage(List.of(new byte[65535]))).hasSize(65535 + 4);
    }

    @Test
    void honoursOffset() throws DecodeException {
        byte[] compound = Compound.makeCompoundMessage(List.of(PING, PING));
        byte[] padded = new byte[compound.length + 10];
        System.arraycopy(compound, 0, padded, 5, compound.length);
        Compound.Parts parts = Compound.decodeCompoundMessage(padded, 6, compound.length - 1);
        assertThat(parts.parts()).hasSize(2).allSatisfy(p -> assertThat(p).isEqualTo(PING));
    }
}
