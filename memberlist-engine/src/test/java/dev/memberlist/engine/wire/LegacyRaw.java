package dev.memberlist.engine.wire;

import java.io.IOException;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/** Checks that msgpack uses only what go-msgpack v0.5 writes for raw data: fixstr, str16, str32. */
final class LegacyRaw {
    private LegacyRaw() {}

    static boolean onlyLegacyRaw(byte[] b) {
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(b)) {
            while (u.hasNext()) {
                if (!walk(u)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean walk(MessageUnpacker u) throws IOException {
        MessageFormat f = u.getNextFormat();
        switch (f) {
            case STR8, BIN8, BIN16, BIN32:
                return false;
            case FIXMAP, MAP16, MAP32: {
                int n = u.unpackMapHeader();
                for (int i = 0; i < 2 * n; i++) {
                    if (!walk(u)) {
                        return false;
                    }
                }
                return true;
            }
            case FIXARRAY, ARRAY16, ARRAY32: {
                int n = u.unpackArrayHeader();
                for (int i = 0; i < n; i++) {
                    if (!walk(u)) {
                        return false;
                    }
                }
                return true;
            }
            default:
                u.skipValue();
                return true;
        }
    }
}
