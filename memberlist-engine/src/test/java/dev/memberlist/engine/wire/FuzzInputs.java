package dev.memberlist.engine.wire;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.memberlist.engine.security.Security;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Structured hostile input for the fuzz tests, built from a {@link FuzzedDataProvider}: msgpack
 * with every format and lengths that lie, valid messages with fuzzed fields, compounds,
 * compressions and encryptions of those. Each builder reads the fuzzer's bytes, so the fuzzer
 * steers the structure and coverage goes past the first length check. When the data runs out
 * every choice falls back to 0: the truthful, simplest form.
 */
public final class FuzzInputs {
    /** Every field name of every memberlist struct. */
    static final String[] KEYS = {
        "Addr",
        "Algo",
        "Buf",
        "Error",
        "From",
        "Incarnation",
        "Join",
        "Meta",
        "Nack",
        "Name",
        "Node",
        "Nodes",
        "Payload",
        "Port",
        "SeqNo",
        "SourceAddr",
        "SourceNode",
        "SourcePort",
        "State",
        "Target",
        "UserMsgLen",
        "UserStateLen",
        "Vsn"
    };

    private static final List<String> INT_KEYS = List.of(
            "Algo", "Incarnation", "Nodes", "Port", "SeqNo", "SourcePort", "State", "UserMsgLen", "UserStateLen");
    private static final List<String> BOOL_KEYS = List.of("Join", "Nack");

    /** Integers on a boundary: of msgpack formats, of Go's field widths, of memberlist's limits. */
    static final long[] EDGES = {
        0,
        1,
        2,
        6,
        15,
        16,
        31,
        32,
        127,
        128,
        255,
        256,
        512,
        513,
        65535,
        65536,
        Limits.MAX_PUSH_STATE_NODES,
        Limits.MAX_PUSH_STATE_NODES + 1,
        Limits.MAX_PUSH_STATE_BYTES,
        Limits.MAX_PUSH_STATE_BYTES + 1,
        Limits.MAX_DECOMPRESSED_BYTES,
        Limits.MAX_DECOMPRESSED_BYTES + 1,
        Integer.MAX_VALUE,
        1L << 31,
        0xffff_ffffL,
        1L << 32,
        Long.MAX_VALUE,
        -1,
        -32,
        -33,
        -128,
        -129,
        Integer.MIN_VALUE,
        Long.MIN_VALUE
    };

    private FuzzInputs() {}

    // ---- numbers and lengths ----------------------------------------------------------------

    /** Mostly an edge value, sometimes any long. */
    static long number(FuzzedDataProvider d) {
        return d.consumeBoolean() ? d.consumeLong() : d.pickValue(EDGES);
    }

    /** The length a header declares for {@code actual} bytes or entries: usually the truth. */
    static long declared(FuzzedDataProvider d, int actual) {
        return switch (d.consumeInt(0, 7)) {
            case 4 -> actual + 1L + d.consumeInt(0, 16);
            case 5 -> d.pickValue(EDGES) & 0xffff_ffffL;
            case 6 -> d.consumeInt() & 0xffff_ffffL;
            case 7 -> Math.max(0, actual - 1);
            default -> actual;
        };
    }

    // ---- msgpack, written by hand so that every format and every lie can be produced ----------

    /** A msgpack writer that writes whatever it is told. */
    static final class Out {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Out u8(long v) {
            b.write((int) v);
            return this;
        }

        Out u16(long v) {
            return u8(v >>> 8).u8(v);
        }

        Out u32(long v) {
            return u16(v >>> 16).u16(v);
        }

        Out u64(long v) {
            return u32(v >>> 32).u32(v);
        }

        Out raw(byte[] a) {
            b.write(a, 0, a.length);
            return this;
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }

    /** A str or bin header in a fuzzer-chosen format; the length is cut to the format's width. */
    static void rawHeader(FuzzedDataProvider d, Out o, long len) {
        switch (d.consumeInt(0, 6)) {
            case 1 -> o.u8(0xd9).u8(len);
            case 2 -> o.u8(0xda).u16(len);
            case 3 -> o.u8(0xdb).u32(len);
            case 4 -> o.u8(0xc4).u8(len);
            case 5 -> o.u8(0xc5).u16(len);
            case 6 -> o.u8(0xc6).u32(len);
            default -> {
                if (len < 32) {
                    o.u8(0xa0 | len);
                } else if (len < 256) {
                    o.u8(0xd9).u8(len);
                } else if (len < 65536) {
                    o.u8(0xda).u16(len);
                } else {
                    o.u8(0xdb).u32(len);
                }
            }
        }
    }

    static void raw(FuzzedDataProvider d, Out o, byte[] payload) {
        rawHeader(d, o, declared(d, payload.length));
        o.raw(payload);
    }

    static void mapHeader(FuzzedDataProvider d, Out o, long n) {
        switch (d.consumeInt(0, 2)) {
            case 1 -> o.u8(0xde).u16(n);
            case 2 -> o.u8(0xdf).u32(n);
            default -> {
                if (n < 16) {
                    o.u8(0x80 | n);
                } else if (n < 65536) {
                    o.u8(0xde).u16(n);
                } else {
                    o.u8(0xdf).u32(n);
                }
            }
        }
    }

    static void arrayHeader(FuzzedDataProvider d, Out o, long n) {
        switch (d.consumeInt(0, 2)) {
            case 1 -> o.u8(0xdc).u16(n);
            case 2 -> o.u8(0xdd).u32(n);
            default -> {
                if (n < 16) {
                    o.u8(0x90 | n);
                } else if (n < 65536) {
                    o.u8(0xdc).u16(n);
                } else {
                    o.u8(0xdd).u32(n);
                }
            }
        }
    }

    /** An integer in a fuzzer-chosen format, which may be too narrow for it (the value is then cut). */
    static void integer(FuzzedDataProvider d, Out o, long v) {
        switch (d.consumeInt(0, 9)) {
            case 1 -> o.u8(0xcc).u8(v);
            case 2 -> o.u8(0xcd).u16(v);
            case 3 -> o.u8(0xce).u32(v);
            case 4 -> o.u8(0xcf).u64(v);
            case 5 -> o.u8(0xd0).u8(v);
            case 6 -> o.u8(0xd1).u16(v);
            case 7 -> o.u8(0xd2).u32(v);
            case 8 -> o.u8(0xd3).u64(v);
            case 9 -> o.u8(v < 0 ? 0xe0 | (v & 0x1f) : v & 0x7f);
            default -> {
                // the smallest format, as go-msgpack writes it
                if (v >= 0 && v < 128) {
                    o.u8(v);
                } else if (v >= -32 && v < 0) {
                    o.u8(v & 0xff);
                } else if (v >= 0 && v < 256) {
                    o.u8(0xcc).u8(v);
                } else if (v >= 0 && v < 65536) {
                    o.u8(0xcd).u16(v);
                } else if (v >= 0 && v <= 0xffff_ffffL) {
                    o.u8(0xce).u32(v);
                } else if (v >= 0) {
                    o.u8(0xcf).u64(v);
                } else {
                    o.u8(0xd3).u64(v);
                }
            }
        }
    }

    /** Any msgpack value, nested at most three deep; lengths and counts may lie. */
    static void value(FuzzedDataProvider d, Out o, int depth) {
        int kinds = depth >= 3 ? 8 : 11;
        switch (d.consumeInt(0, kinds)) {
            case 0 -> o.u8(0xc0);
            case 1 -> o.u8(d.consumeBoolean() ? 0xc3 : 0xc2);
            case 2 -> integer(d, o, number(d));
            case 3 -> raw(d, o, d.consumeBytes(d.consumeInt(0, 64)));
            case 4 -> {
                // ext: fixext 1..16 or ext 8/16/32
                int n = d.consumeInt(0, 7);
                switch (n) {
                    case 0 -> o.u8(0xd4).u8(d.consumeByte()).raw(pad(d.consumeBytes(1), 1));
                    case 1 -> o.u8(0xd5).u8(d.consumeByte()).raw(pad(d.consumeBytes(2), 2));
                    case 2 -> o.u8(0xd6).u8(d.consumeByte()).raw(pad(d.consumeBytes(4), 4));
                    case 3 -> o.u8(0xd7).u8(d.consumeByte()).raw(pad(d.consumeBytes(8), 8));
                    case 4 -> o.u8(0xd8).u8(d.consumeByte()).raw(pad(d.consumeBytes(16), 16));
                    default -> {
                        byte[] p = d.consumeBytes(d.consumeInt(0, 32));
                        long len = declared(d, p.length);
                        if (n == 5) {
                            o.u8(0xc7).u8(len);
                        } else if (n == 6) {
                            o.u8(0xc8).u16(len);
                        } else {
                            o.u8(0xc9).u32(len);
                        }
                        o.u8(d.consumeByte()).raw(p);
                    }
                }
            }
            case 5 -> {
                if (d.consumeBoolean()) {
                    o.u8(0xca).u32(Float.floatToRawIntBits(d.consumeFloat()));
                } else {
                    o.u8(0xcb).u64(Double.doubleToRawLongBits(d.consumeDouble()));
                }
            }
            case 6 -> o.u8(0xc1); // never used by msgpack
            case 7 -> o.u8(d.consumeByte());
            case 8 -> raw(d, o, d.consumeString(24).getBytes(StandardCharsets.UTF_8));
            case 9 -> {
                int n = d.consumeInt(0, 4);
                mapHeader(d, o, declared(d, n));
                for (int i = 0; i < n; i++) {
                    key(d, o, KEYS);
                    value(d, o, depth + 1);
                }
            }
            case 10 -> {
                int n = d.consumeInt(0, 4);
                arrayHeader(d, o, declared(d, n));
                for (int i = 0; i < n; i++) {
                    value(d, o, depth + 1);
                }
            }
            default -> o.raw(MessageCodec.encodeBody(message(d)));
        }
    }

    private static byte[] pad(byte[] b, int n) {
        return b.length == n ? b : java.util.Arrays.copyOf(b, n);
    }

    /** A map key: mostly one of {@code keys}, else any known key, a long or odd key, or a non-string. */
    static String key(FuzzedDataProvider d, Out o, String[] keys) {
        String k =
                switch (d.consumeInt(0, 7)) {
                    case 4 -> d.pickValue(KEYS);
                    case 5 -> d.consumeString(40);
                    case 6 -> {
                        value(d, o, 3); // a key that is not a string at all
                        yield null;
                    }
                    case 7 -> d.pickValue(KEYS).toLowerCase(java.util.Locale.ROOT);
                    default -> keys.length == 0 ? "" : d.pickValue(keys);
                };
        if (k != null) {
            raw(d, o, k.getBytes(StandardCharsets.UTF_8));
        }
        return k;
    }

    /**
     * A msgpack map shaped like a struct with the given field names: usually values of the field's
     * type (with edge integers and lying lengths), sometimes anything.
     */
    public static byte[] struct(FuzzedDataProvider d, String[] keys) {
        Out o = new Out();
        if (d.consumeInt(0, 15) == 15) {
            o.u8(0xc0); // nil decodes as the zero struct
            return o.bytes();
        }
        int n = d.consumeInt(0, keys.length + 2);
        mapHeader(d, o, declared(d, n));
        for (int i = 0; i < n; i++) {
            String k = key(d, o, keys);
            if (d.consumeInt(0, 3) == 3) {
                value(d, o, 1);
            } else if (k != null && INT_KEYS.contains(k)) {
                integer(d, o, number(d));
            } else if (k != null && BOOL_KEYS.contains(k)) {
                o.u8(d.consumeBoolean() ? 0xc3 : 0xc2);
            } else {
                byte[] v = d.consumeBoolean()
                        ? d.consumeString(32).getBytes(StandardCharsets.UTF_8)
                        : d.consumeBytes(d.consumeInt(0, 64));
                raw(d, o, v);
            }
        }
        return o.bytes();
    }

    // ---- valid messages with fuzzed fields ----------------------------------------------------

    static byte[] ip(FuzzedDataProvider d) {
        return switch (d.consumeInt(0, 4)) {
            case 0 -> new byte[] {127, 0, 0, 2};
            case 1 -> d.consumeBytes(4);
            case 2 -> d.consumeBytes(16);
            case 3 -> null;
            default -> d.consumeBytes(d.consumeInt(0, 20));
        };
    }

    static String name(FuzzedDataProvider d) {
        return switch (d.consumeInt(0, 3)) {
            case 0 -> "fuzz";
            case 1 -> "peer-" + d.consumeInt(0, 3);
            default -> d.consumeString(24);
        };
    }

    static byte[] bytesOrNull(FuzzedDataProvider d, int max) {
        return d.consumeBoolean() ? null : d.consumeBytes(d.consumeInt(0, max));
    }

    static long u32(FuzzedDataProvider d) {
        return d.consumeBoolean() ? d.consumeLong(0, 0xffff_ffffL) : d.pickValue(new long[] {0, 1, 0xffff_ffffL});
    }

    static byte[] vsn(FuzzedDataProvider d) {
        return d.consumeBoolean() ? new byte[] {1, 5, 2, 0, 0, 0} : bytesOrNull(d, 8);
    }

    static PushNodeState nodeState(FuzzedDataProvider d) {
        return new PushNodeState(
                name(d),
                ip(d),
                d.consumeInt(0, 65535),
                bytesOrNull(d, 600),
                u32(d),
                d.consumeBoolean() ? d.consumeInt(0, 3) : d.consumeInt(),
                vsn(d));
    }

    /** Any message record, its fields fuzzed within what the encoder accepts. */
    public static Message message(FuzzedDataProvider d) {
        return switch (d.consumeInt(0, 11)) {
            case 0 -> new Ping(u32(d), name(d), ip(d), d.consumeInt(0, 65535), name(d));
            case 1 -> new IndirectPingReq(
                    u32(d),
                    ip(d),
                    d.consumeInt(0, 65535),
                    name(d),
                    d.consumeBoolean(),
                    ip(d),
                    d.consumeInt(0, 65535),
                    name(d));
            case 2 -> new AckResp(u32(d), bytesOrNull(d, 64));
            case 3 -> new NackResp(u32(d));
            case 4 -> new ErrResp(d.consumeString(64));
            case 5 -> new Suspect(u32(d), name(d), name(d));
            case 6 -> new Alive(u32(d), name(d), ip(d), d.consumeInt(0, 65535), bytesOrNull(d, 600), vsn(d));
            case 7 -> new Dead(u32(d), name(d), name(d));
            case 8 -> new PushPullHeader((int) number(d), (int) number(d), d.consumeBoolean());
            case 9 -> new UserMsgHeader((int) number(d));
            case 10 -> nodeState(d);
            default -> new Compress(d.consumeInt(0, 255), bytesOrNull(d, 64));
        };
    }

    // ---- packets --------------------------------------------------------------------------

    /** Keys of the struct behind each type byte, for hostile bodies. */
    static String[] keysFor(int type) {
        return switch (type) {
            case 0 -> new String[] {"Node", "SeqNo", "SourceAddr", "SourceNode", "SourcePort"};
            case 1 -> new String[] {"Nack", "Node", "Port", "SeqNo", "SourceAddr", "SourceNode", "SourcePort", "Target"
            };
            case 2 -> new String[] {"Payload", "SeqNo"};
            case 3, 5 -> new String[] {"From", "Incarnation", "Node"};
            case 4 -> new String[] {"Addr", "Incarnation", "Meta", "Node", "Port", "Vsn"};
            case 6 -> new String[] {"Join", "Nodes", "UserStateLen"};
            case 8 -> new String[] {"UserMsgLen"};
            case 9 -> new String[] {"Algo", "Buf"};
            case 11 -> new String[] {"SeqNo"};
            case 13 -> new String[] {"Error"};
            case -1 -> new String[] {"Addr", "Incarnation", "Meta", "Name", "Port", "State", "Vsn"};
            default -> KEYS;
        };
    }

    private static final int[] PACKET_TYPES = {0, 1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 13, 6, 10, 244, 255};

    /**
     * One packet message, type byte first: a valid message, a hostile body, a user message,
     * a compound or a compression of further packets (nested up to past the engine's limit), or
     * raw bytes.
     */
    public static byte[] packet(FuzzedDataProvider d, int depth) {
        int choice = d.consumeInt(0, depth >= 5 ? 3 : 6);
        switch (choice) {
            case 0 -> {
                return MessageCodec.encode(message(d));
            }
            case 1 -> {
                int type = d.pickValue(PACKET_TYPES);
                Out o = new Out().u8(type);
                o.raw(struct(d, keysFor(type)));
                return o.bytes();
            }
            case 2 -> {
                Out o = new Out().u8(MessageType.USER.code());
                return o.raw(d.consumeBytes(d.consumeInt(0, 256))).bytes();
            }
            case 3 -> {
                return d.consumeBytes(d.consumeInt(0, 128));
            }
            case 4, 5 -> {
                int n = d.consumeInt(0, 6);
                List<byte[]> parts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    parts.add(packet(d, depth + 1));
                }
                return d.consumeBoolean() ? compound(parts) : hostileCompound(d, parts);
            }
            default -> {
                byte[] inner = packet(d, depth + 1);
                return d.consumeBoolean() ? Compression.compressPayload(inner) : hostileCompress(d, inner);
            }
        }
    }

    private static byte[] compound(List<byte[]> parts) {
        for (byte[] p : parts) {
            if (p.length > 0xffff) {
                return parts.get(0);
            }
        }
        return Compound.makeCompoundMessage(parts);
    }

    /** A compound whose count and length table may disagree with its parts. */
    static byte[] hostileCompound(FuzzedDataProvider d, List<byte[]> parts) {
        Out o = new Out().u8(MessageType.COMPOUND.code());
        int count = d.consumeBoolean() ? parts.size() : d.consumeInt(0, 255);
        o.u8(count);
        int lengths = d.consumeBoolean() ? count : d.consumeInt(0, count);
        for (int i = 0; i < lengths; i++) {
            int len = i < parts.size() ? parts.get(i).length : 0;
            o.u16(d.consumeBoolean() ? len : declared(d, len));
        }
        for (byte[] p : parts) {
            o.raw(p);
        }
        return o.bytes();
    }

    /** A compress message around {@code inner} whose Algo, Buf or LZW stream may be wrong. */
    static byte[] hostileCompress(FuzzedDataProvider d, byte[] inner) {
        byte[] lzw = Lzw.compress(inner);
        switch (d.consumeInt(0, 3)) {
            case 1 -> lzw = java.util.Arrays.copyOf(lzw, d.consumeInt(0, lzw.length)); // cut short
            case 2 -> {
                if (lzw.length > 0) {
                    lzw[d.consumeInt(0, lzw.length - 1)] ^= (byte) d.consumeInt(1, 255); // corrupt
                }
            }
            case 3 -> lzw = d.consumeBytes(d.consumeInt(0, 256)); // not LZW at all
            default -> {}
        }
        Out o = new Out().u8(MessageType.COMPRESS.code());
        int n = d.consumeInt(0, 3);
        mapHeader(d, o, declared(d, n));
        for (int i = 0; i < n; i++) {
            String k = key(d, o, new String[] {"Buf", "Algo"});
            if ("Algo".equals(k)) {
                integer(d, o, d.consumeBoolean() ? 0 : number(d));
            } else if ("Buf".equals(k)) {
                raw(d, o, lzw);
            } else {
                value(d, o, 1);
            }
        }
        return o.bytes();
    }

    // ---- streams --------------------------------------------------------------------------

    /** A push-pull body (after type byte 6): a header, node states, user state; any part may lie. */
    public static byte[] pushPullBody(FuzzedDataProvider d) {
        int n = d.consumeInt(0, 5);
        List<PushNodeState> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            nodes.add(nodeState(d));
        }
        byte[] user = bytesOrNull(d, 128);
        if (d.consumeBoolean()) {
            byte[] whole = MessageCodec.encodePushPull(new PushPull(d.consumeBoolean(), nodes, user));
            return java.util.Arrays.copyOfRange(whole, 1, whole.length);
        }
        Out o = new Out();
        int userLen = user == null ? 0 : user.length;
        mapHeader(d, o, 3);
        raw(d, o, "Join".getBytes(StandardCharsets.US_ASCII));
        o.u8(d.consumeBoolean() ? 0xc3 : 0xc2);
        raw(d, o, "Nodes".getBytes(StandardCharsets.US_ASCII));
        integer(d, o, d.consumeBoolean() ? n : number(d));
        raw(d, o, "UserStateLen".getBytes(StandardCharsets.US_ASCII));
        integer(d, o, d.consumeBoolean() ? userLen : number(d));
        for (PushNodeState s : nodes) {
            o.raw(d.consumeBoolean() ? MessageCodec.encodeBody(s) : struct(d, keysFor(-1)));
        }
        if (user != null) {
            o.raw(user);
        }
        return o.bytes();
    }

    /** A user-message stream body (after type byte 8): header and message; the length may lie. */
    public static byte[] userMsgBody(FuzzedDataProvider d) {
        byte[] msg = d.consumeBytes(d.consumeInt(0, 256));
        Out o = new Out();
        mapHeader(d, o, 1);
        raw(d, o, "UserMsgLen".getBytes(StandardCharsets.US_ASCII));
        integer(d, o, d.consumeBoolean() ? msg.length : number(d));
        return o.raw(msg).bytes();
    }

    /** One plaintext stream message, type byte first, possibly compressed. */
    public static byte[] streamMessage(FuzzedDataProvider d) {
        byte[] msg =
                switch (d.consumeInt(0, 6)) {
                    case 0 -> concat(new byte[] {6}, pushPullBody(d));
                    case 1 -> concat(new byte[] {8}, userMsgBody(d));
                    case 2 -> MessageCodec.encode(new Ping(u32(d), name(d), ip(d), d.consumeInt(0, 65535), name(d)));
                    case 3 -> MessageCodec.encode(new AckResp(u32(d), bytesOrNull(d, 32)));
                    case 4 -> MessageCodec.encode(new ErrResp(d.consumeString(32)));
                    case 5 -> {
                        int type = d.pickValue(PACKET_TYPES);
                        yield concat(new byte[] {(byte) type}, struct(d, keysFor(type)));
                    }
                    default -> d.consumeBytes(d.consumeInt(0, 128));
                };
        return switch (d.consumeInt(0, 3)) {
            case 1 -> Compression.compressPayload(msg);
            case 2 -> hostileCompress(d, msg);
            default -> msg;
        };
    }

    /**
     * The encrypted stream frame {@code [10][len u32][ciphertext]}, sealed as a member would
     * (associated data: the five header bytes and the label), or with a lying length.
     */
    public static byte[] encryptedFrame(FuzzedDataProvider d, int vsn, byte[] key, byte[] label, byte[] plain) {
        int encLen = Security.encryptedLength(vsn, plain.length);
        long declared = d.consumeBoolean() ? encLen : declared(d, encLen);
        byte[] header = new Out().u8(MessageType.ENCRYPT.code()).u32(declared).bytes();
        byte[] ct = Security.encryptPayload(vsn, key, plain, concat(header, label));
        return concat(header, ct);
    }

    /** Cuts {@code b} into fuzzer-chosen chunks, as a stream may deliver it. */
    public static List<byte[]> chunks(FuzzedDataProvider d, byte[] b) {
        List<byte[]> out = new ArrayList<>();
        int p = 0;
        while (p < b.length) {
            int n = d.consumeBoolean() ? d.consumeInt(1, b.length - p) : b.length - p;
            out.add(java.util.Arrays.copyOfRange(b, p, p + n));
            p += n;
        }
        return out;
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
