package dev.memberlist.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Go HEAD's label_test.go, packet half. */
class LabelTest {
    private static final int PING = 0;
    private static final int ERR = 13;
    private static final int ENCRYPT_V1 = 1;
    private static final int HAS_LABEL = 244;

    /** Go's buildBuffer: ints are bytes, strings their UTF-8. */
    private static byte[] buildBuffer(Object... stuff) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Object o : stuff) {
            if (o instanceof Integer i) {
                b.write(i);
            } else {
                b.writeBytes(((String) o).getBytes(StandardCharsets.UTF_8));
            }
        }
        return b.toByteArray();
    }

    @Test
    void addLabelHeaderToPacket() {
        String longLabel = "a".repeat(255);
        assertThat(Label.addLabelHeaderToPacket(new byte[0], "")).isEmpty();
        assertThat(Label.addLabelHeaderToPacket(new byte[0], "foo")).isEqualTo(buildBuffer(HAS_LABEL, 3, "foo"));
        assertThat(Label.addLabelHeaderToPacket(buildBuffer("something"), "foo"))
                .isEqualTo(buildBuffer(HAS_LABEL, 3, "foosomething"));
        assertThat(Label.addLabelHeaderToPacket(buildBuffer("something"), "")).isEqualTo(buildBuffer("something"));
        assertThat(Label.addLabelHeaderToPacket(buildBuffer("something"), longLabel))
                .isEqualTo(buildBuffer(HAS_LABEL, 255, longLabel + "something"));
        assertThatThrownBy(() -> Label.addLabelHeaderToPacket(buildBuffer("something"), longLabel + "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label \"" + longLabel + "x\" is too long");
        // The limit is in bytes, not characters.
        assertThatThrownBy(() -> Label.header("é".repeat(128))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void labelOverhead() {
        assertThat(Label.header("")).isEmpty();
        assertThat(Label.header("a")).hasSize(3);
        assertThat(Label.header("abcdefg")).hasSize(9);
    }

    @Test
    void removeLabelHeaderFromPacket() throws DecodeException {
        assertUnwrapped(new byte[0], "", new byte[0]);
        assertUnwrapped(buildBuffer(PING, "blah"), "", buildBuffer(PING, "blah"));
        assertUnwrapped(buildBuffer(ERR, "blah"), "", buildBuffer(ERR, "blah"));
        assertUnwrapped(buildBuffer(ENCRYPT_V1, "blah"), "", buildBuffer(ENCRYPT_V1, "blah"));
        assertUnwrapped(buildBuffer(HAS_LABEL, 3, "abc", PING, "blah"), "abc", buildBuffer(PING, "blah"));
        assertUnwrapped(buildBuffer(HAS_LABEL, 3, "abc", ERR, "blah"), "abc", buildBuffer(ERR, "blah"));
        assertUnwrapped(buildBuffer(HAS_LABEL, 3, "abc", ENCRYPT_V1, "blah"), "abc", buildBuffer(ENCRYPT_V1, "blah"));
        assertUnwrapped(buildBuffer(HAS_LABEL, 3, "abc"), "abc", new byte[0]);

        assertRejected(buildBuffer(HAS_LABEL, "x"), "cannot decode label; packet has been truncated");
        assertRejected(buildBuffer(HAS_LABEL), "cannot decode label; packet has been truncated");
        assertRejected(buildBuffer(HAS_LABEL, 0, "x"), "label header cannot be empty when present");
        assertRejected(buildBuffer(HAS_LABEL, 2, "x"), "cannot decode label; packet has been truncated");
    }

    @Test
    void roundTrip() throws DecodeException {
        for (String label : new String[] {"a", "lbl", "région-ü", "z".repeat(255)}) {
            byte[] wrapped = Label.addLabelHeaderToPacket(buildBuffer(PING, "body"), label);
            assertUnwrapped(wrapped, label, buildBuffer(PING, "body"));
        }
    }

    private static void assertUnwrapped(byte[] in, String label, byte[] payload) throws DecodeException {
        Label.Unwrapped u = Label.removeLabelHeaderFromPacket(in);
        assertThat(u.label()).isEqualTo(label);
        assertThat(u.payload()).isEqualTo(payload);
    }

    private static void assertRejected(byte[] in, String message) {
        assertThatThrownBy(() -> Label.removeLabelHeaderFromPacket(in))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(message);
    }
}
