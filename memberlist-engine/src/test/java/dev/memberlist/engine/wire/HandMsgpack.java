package dev.memberlist.engine.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Msgpack written by hand, byte by byte: the formats and shapes an encoder would not write. */
final class HandMsgpack {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    HandMsgpack raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    HandMsgpack map(int n) {
        return raw(0x80 | n);
    }

    HandMsgpack str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        raw(0xa0 | b.length);
        out.writeBytes(b);
        return this;
    }

    HandMsgpack key(String k) {
        return str(k);
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
