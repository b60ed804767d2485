package dev.memberlist.engine.wire;

import static dev.memberlist.engine.wire.GoVectors.HEX;
import static org.assertj.core.api.Assertions.assertThat;

import dev.memberlist.engine.security.Security;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte dumps of the reference, section 3.12. */
class ReferenceDumpsTest {
    private static final byte[] IP = {10, 0, 0, 1};
    private static final byte[] MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1};
    private static final byte[] VSN = {1, 5, 2, 0, 0, 0};
    private static final String PING_FULL =
            "0085a44e6f6465a26e32a55365714e6f01aa536f7572636541646472a40a000001aa536f757263654e6f6465a26e31aa536f75726365506f7274cd1f0a";
    private static final String SUSPECT = "0383a446726f6da26e31ab496e6361726e6174696f6e02a44e6f6465a26e33";

    private static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    private static byte[] bytes(String hex) {
        return HEX.parseHex(hex.replace(" ", "").replace("|", ""));
    }

    private static <T extends Message> T decode(Class<T> type, String hex) throws DecodeException {
        byte[] b = bytes(hex);
        return MessageCodec.decode(type, b, 1, b.length - 1);
    }

    @Test
    void ping() throws DecodeException {
        Ping min = new Ping(1, "n2", null, 0, "");
        assertThat(hex(MessageCodec.encode(min))).isEqualTo("0082a44e6f6465a26e32a55365714e6f01");
        Ping full = new Ping(1, "n2", IP, 7946, "n1");
        assertThat(hex(MessageCodec.encode(full))).isEqualTo(PING_FULL);
        assertThat(decode(Ping.class, PING_FULL)).usingRecursiveComparison().isEqualTo(full);
        // An empty non-nil SourceAddr is omitted just like nil.
        assertThat(MessageCodec.encode(new Ping(1, "n2", new byte[0], 0, ""))).isEqualTo(MessageCodec.encode(min));
    }

    @Test
    void indirectPing() throws DecodeException {
        String wire = "0188a44e61636bc3a44e6f6465a26e33a4506f7274cd1f0aa55365714e6f05aa536f7572636541646472a40a000001"
                + "aa536f757263654e6f6465a26e31aa536f75726365506f7274cd1f0aa6546172676574a40a000001";
        IndirectPingReq req = new IndirectPingReq(5, IP, 7946, "n3", true, IP, 7946, "n1");
        assertThat(hex(MessageCodec.encode(req))).isEqualTo(wire);
        assertThat(decode(IndirectPingReq.class, wire))
                .usingRecursiveComparison()
                .isEqualTo(req);
    }

    @Test
    void ackNackErr() throws DecodeException {
        assertThat(hex(MessageCodec.encode(new AckResp(5, null)))).isEqualTo("0282a75061796c6f6164c0a55365714e6f05");
        assertThat(hex(MessageCodec.encode(new AckResp(5, new byte[0]))))
                .isEqualTo("0282a75061796c6f6164a0a55365714e6f05");
        assertThat(decode(AckResp.class, "0282a75061796c6f6164c0a55365714e6f05").payload())
                .isNull();
        assertThat(decode(AckResp.class, "0282a75061796c6f6164a0a55365714e6f05").payload())
                .isEmpty();
        assertThat(hex(MessageCodec.encode(new NackResp(5)))).isEqualTo("0b81a55365714e6f05");
        assertThat(hex(MessageCodec.encode(new ErrResp("boom")))).isEqualTo("0d81a54572726f72a4626f6f6d");
        assertThat(decode(ErrResp.class, "0d81a54572726f72a4626f6f6d").error()).isEqualTo("boom");
    }

    @Test
    void suspectAndDead() throws DecodeException {
        assertThat(hex(MessageCodec.encode(new Suspect(2, "n3", "n1")))).isEqualTo(SUSPECT);
        assertThat(decode(Suspect.class, SUSPECT)).isEqualTo(new Suspect(2, "n3", "n1"));
        String dead = "0583a446726f6da26e33ab496e6361726e6174696f6e02a44e6f6465a26e33";
        assertThat(hex(MessageCodec.encode(new Dead(2, "n3", "n3")))).isEqualTo(dead);
        assertThat(decode(Dead.class, dead)).isEqualTo(new Dead(2, "n3", "n3"));
    }

    @Test
    void alive() throws DecodeException {
        String v4 = "0486a441646472a40a000001ab496e6361726e6174696f6e01a44d657461c0a44e6f6465a26e31a4506f7274cd1f0a"
                + "a356736ea6010502000000";
        Alive a = new Alive(1, "n1", IP, 7946, null, VSN);
        assertThat(hex(MessageCodec.encode(a))).isEqualTo(v4);
        assertThat(decode(Alive.class, v4)).usingRecursiveComparison().isEqualTo(a);

        Alive mapped = new Alive(70000, "n1", MAPPED, 7946, "m".getBytes(StandardCharsets.UTF_8), VSN);
        assertThat(hex(MessageCodec.encode(mapped)))
                .startsWith("0486a441646472b000000000000000000000ffff0a000001ab496e6361726e6174696f6ece00011170"
                        + "a44d657461a16d");
    }

    @Test
    void pushPullIntStyles() throws DecodeException {
        String node = "87a441646472a40a000001ab496e6361726e6174696f6e01a44d657461c0a44e616d65a26e31a4506f7274cd1f0a"
                + "a5537461746500a356736ea6010502000000";
        String head = "0683a44a6f696ec3a54e6f64657301ac5573657253746174654c656e";
        byte[] user = new byte[200];
        Arrays.fill(user, (byte) 'u');
        String userHex = hex(user);
        PushNodeState n1 = new PushNodeState("n1", IP, 7946, null, 1, 0, VSN);

        // go-msgpack v2 (memberlist >= 0.5.1) and v0.5 (0.2.2) both decode.
        for (String len : List.of("d100c8", "cc c8")) {
            byte[] wire = bytes(head + len + node + userHex);
            PushPull pp = MessageCodec.decodePushPull(wire, 1, wire.length - 1);
            assertThat(pp.join()).isTrue();
            assertThat(pp.nodes()).singleElement().usingRecursiveComparison().isEqualTo(n1);
            assertThat(pp.userState()).isEqualTo(user);
            assertThat(StreamFramer.frameLength(wire, 0, wire.length)).isEqualTo(wire.length);
        }
        // We write the v0.5 style.
        assertThat(hex(MessageCodec.encodePushPull(new PushPull(true, List.of(n1), user))))
                .isEqualTo(head + "ccc8" + node + userHex);

        PushPullHeader big = new PushPullHeader(40000, 100000, false);
        String v05 = "0683a44a6f696ec2a54e6f646573cd9c40ac5573657253746174654c656ece000186a0";
        String v2 = "0683a44a6f696ec2a54e6f646573d200009c40ac5573657253746174654c656ed2000186a0";
        assertThat(hex(MessageCodec.encode(big))).isEqualTo(v05);
        assertThat(decode(PushPullHeader.class, v05)).isEqualTo(big);
        assertThat(decode(PushPullHeader.class, v2)).isEqualTo(big);
    }

    @Test
    void userMsgStream() throws DecodeException {
        byte[] abc = "abc".getBytes(StandardCharsets.UTF_8);
        String wire = "0881aa557365724d73674c656e03616263";
        assertThat(hex(MessageCodec.encodeUserMsgStream(abc))).isEqualTo(wire);
        byte[] b = bytes(wire);
        assertThat(MessageCodec.decodeUserMsgStream(b, 1, b.length - 1)).isEqualTo(abc);
        assertThat(StreamFramer.frameLength(b, 0, b.length)).isEqualTo(b.length);
    }

    @Test
    void longNameIsStr16NeverStr8() throws DecodeException {
        String name = "n".repeat(40);
        byte[] wire = MessageCodec.encode(new Suspect(1, name, "x"));
        String h = hex(wire);
        assertThat(h).contains("da0028" + hex(name.getBytes(StandardCharsets.UTF_8)));
        assertThat(h).doesNotContain("d928");
        assertThat(MessageCodec.decode(Suspect.class, wire, 1, wire.length - 1).node())
                .isEqualTo(name);
        // Byte slices too: 31 bytes is still fixstr, 32 and 255 go to str16, 65536 to str32.
        assertThat(hex(MessageCodec.encode(new AckResp(0, new byte[31])))).startsWith("0282a75061796c6f6164bf");
        assertThat(hex(MessageCodec.encode(new AckResp(0, new byte[32])))).startsWith("0282a75061796c6f6164da0020");
        assertThat(hex(MessageCodec.encode(new AckResp(0, new byte[255])))).startsWith("0282a75061796c6f6164da00ff");
        assertThat(hex(MessageCodec.encode(new AckResp(0, new byte[65536]))))
                .startsWith("0282a75061796c6f6164db00010000");
    }

    @Test
    void compressAndCompound() throws DecodeException {
        byte[] suspect = bytes(SUSPECT);
        byte[] c = Compression.compressPayload(suspect);
        assertThat(hex(c)).startsWith("0982a4416c676f00a3427566da0024" + "00070c2265");
        assertThat(Compression.decompressPayload(c, 1, c.length - 1)).isEqualTo(suspect);

        byte[] ping = bytes(PING_FULL);
        assertThat(ping).hasSize(61);
        assertThat(suspect).hasSize(31);
        byte[] compound = Compound.makeCompoundMessage(List.of(ping, suspect));
        assertThat(hex(compound)).isEqualTo("0702003d001f" + PING_FULL + SUSPECT);
    }

    /** The full pipeline vector P1-P5 and the TCP ping stream S1 (key 00..0f, all-zero nonce, label "lbl"). */
    @Test
    void fullPipeline() throws DecodeException {
        byte[] key = new byte[16];
        for (int i = 0; i < 16; i++) {
            key[i] = (byte) i;
        }
        byte[] p1 = bytes(PING_FULL);
        assertThat(Compression.compressPayload(p1)).hasSize(74); // > 61: a packet goes out uncompressed
        byte[] p3 = Crc.addCrc(p1);
        assertThat(hex(p3)).isEqualTo("0cd995e1a2" + PING_FULL);

        byte[] p5 = bytes("f4 03 6c626c | 01 000000000000000000000000 | "
                + "450f12b23b9b2328ade61e0dc2ef8238eac85a605b6b686b3f28443df9f6983242c7bcdf0a2d71e3ea6723b1a327bedbfe"
                + "20f7b8ce21ee34323d468df06fa4d6cb54848912a3dce0ecadbcdc38b6bda37aec");
        Label.Unwrapped u = Label.removeLabelHeaderFromPacket(p5);
        assertThat(u.label()).isEqualTo("lbl");
        byte[] aad = "lbl".getBytes(StandardCharsets.UTF_8);
        byte[] plain = Security.decryptPayload(List.of(key), u.payload(), aad);
        assertThat(plain).isEqualTo(p3);
        assertThat(Crc.verify(plain)).isTrue();
        assertThat(Security.encryptPayload(0, key, p3, aad)).hasSize(109);
        assertThat(Label.addLabelHeaderToPacket(u.payload(), "lbl")).isEqualTo(p5);

        byte[] s1 = bytes("f4036c626c 0a 00000067 01 000000000000000000000000 "
                + "40542312f5fcc98c40cb0f0eba818b9db8b909cbd0675b0af281fe76a912b0cab262e292737f9c7e1d20101a56f892f5"
                + "9a82999843243d19b03ee1c58d348a37d7bb714e526491c2c9daf20e4ef4fc2f3955a30988313fec031f");
        int label = Label.header("lbl").length;
        assertThat(Arrays.copyOf(s1, label)).isEqualTo(Label.header("lbl"));
        assertThat(StreamFramer.frameLength(s1, label, s1.length - label)).isEqualTo(s1.length - label);
        byte[] streamAad = new byte[5 + aad.length];
        System.arraycopy(s1, label, streamAad, 0, 5);
        System.arraycopy(aad, 0, streamAad, 5, aad.length);
        byte[] compressed =
                Security.decryptPayload(List.of(key), Arrays.copyOfRange(s1, label + 5, s1.length), streamAad);
        assertThat(compressed).isEqualTo(Compression.compressPayload(p1));
        assertThat(Compression.decompressPayload(compressed, 1, compressed.length - 1))
                .isEqualTo(p1);
        assertThat(0x67).isEqualTo(Security.encryptedLength(1, compressed.length));
    }
}
