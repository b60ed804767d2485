package dev.memberlist.engine.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * msgpack encoding of every memberlist message, byte for byte as Go memberlist 0.2.x-0.5.0
 * writes it (go-msgpack v0.5: maps keyed by sorted field names, strings and byte slices as
 * legacy raw strings, never str8 or bin, non-negative ints as unsigned), and decoding of
 * everything Go emits (any int family, str or bin for bytes, unknown keys skipped).
 *
 * <p>Encoding rejects, with {@link IllegalArgumentException}, values that do not fit the Go field
 * (a {@code uint32} outside {@code [0, 2^32)}, a port outside {@code [0, 65535]}).
 */
public final class MessageCodec {
    private static final long MAX_U8 = 0xffL;
    private static final long MAX_U16 = 0xffffL;
    private static final long MAX_U32 = 0xffff_ffffL;

    // Field names, each struct's in the sorted order go-msgpack writes them.
    private static final byte[] ADDR = key("Addr");
    private static final byte[] ALGO = key("Algo");
    private static final byte[] BUF = key("Buf");
    private static final byte[] ERROR = key("Error");
    private static final byte[] FROM = key("From");
    private static final byte[] INCARNATION = key("Incarnation");
    private static final byte[] JOIN = key("Join");
    private static final byte[] META = key("Meta");
    private static final byte[] NACK = key("Nack");
    private static final byte[] NAME = key("Name");
    private static final byte[] NODE = key("Node");
    private static final byte[] NODES = key("Nodes");
    private static final byte[] PAYLOAD = key("Payload");
    private static final byte[] PORT = key("Port");
    private static final byte[] SEQ_NO = key("SeqNo");
    private static final byte[] SOURCE_ADDR = key("SourceAddr");
    private static final byte[] SOURCE_NODE = key("SourceNode");
    private static final byte[] SOURCE_PORT = key("SourcePort");
    private static final byte[] STATE = key("State");
    private static final byte[] TARGET = key("Target");
    private static final byte[] USER_MSG_LEN = key("UserMsgLen");
    private static final byte[] USER_STATE_LEN = key("UserStateLen");
    private static final byte[] VSN = key("Vsn");

    private static final byte[][] PING_KEYS = {NODE, SEQ_NO, SOURCE_ADDR, SOURCE_NODE, SOURCE_PORT};
    private static final byte[][] INDIRECT_KEYS = {
        NACK, NODE, PORT, SEQ_NO, SOURCE_ADDR, SOURCE_NODE, SOURCE_PORT, TARGET
    };
    private static final byte[][] ACK_KEYS = {PAYLOAD, SEQ_NO};
    private static final byte[][] NACK_KEYS = {SEQ_NO};
    private static final byte[][] ERR_KEYS = {ERROR};
    private static final byte[][] SUSPECT_KEYS = {FROM, INCARNATION, NODE};
    private static final byte[][] ALIVE_KEYS = {ADDR, INCARNATION, META, NODE, PORT, VSN};
    private static final byte[][] PUSH_PULL_KEYS = {JOIN, NODES, USER_STATE_LEN};
    private static final byte[][] USER_MSG_KEYS = {USER_MSG_LEN};
    private static final byte[][] NODE_STATE_KEYS = {ADDR, INCARNATION, META, NAME, PORT, STATE, VSN};
    private static final byte[][] COMPRESS_KEYS = {ALGO, BUF};

    private MessageCodec() {}

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The type byte (when {@link Message#type()} is not null) followed by the msgpack body. */
    public static byte[] encode(Message m) {
        MsgWriter w = MsgWriter.start();
        if (m.type() != null) {
            w.rawByte(m.type().code());
        }
        writeBody(w, m);
        return w.toByteArray();
    }

    /** The msgpack body alone. */
    public static byte[] encodeBody(Message m) {
        MsgWriter w = MsgWriter.start();
        writeBody(w, m);
        return w.toByteArray();
    }

    private static void writeBody(MsgWriter w, Message m) {
        if (m instanceof Ping p) {
            boolean addr = p.sourceAddr() != null && p.sourceAddr().length > 0;
            boolean node = p.sourceNode() != null && !p.sourceNode().isEmpty();
            boolean port = p.sourcePort() != 0;
            w.map(2 + (addr ? 1 : 0) + (node ? 1 : 0) + (port ? 1 : 0));
            w.key(NODE).str(p.node());
            w.key(SEQ_NO).uint(p.seqNo(), MAX_U32, "SeqNo");
            if (addr) {
                w.key(SOURCE_ADDR).bytes(p.sourceAddr());
            }
            if (node) {
                w.key(SOURCE_NODE).str(p.sourceNode());
            }
            if (port) {
                w.key(SOURCE_PORT).uint(p.sourcePort(), MAX_U16, "SourcePort");
            }
        } else if (m instanceof IndirectPingReq p) {
            boolean addr = p.sourceAddr() != null && p.sourceAddr().length > 0;
            boolean node = p.sourceNode() != null && !p.sourceNode().isEmpty();
            boolean port = p.sourcePort() != 0;
            w.map(5 + (addr ? 1 : 0) + (node ? 1 : 0) + (port ? 1 : 0));
            w.key(NACK).bool(p.nack());
            w.key(NODE).str(p.node());
            w.key(PORT).uint(p.port(), MAX_U16, "Port");
            w.key(SEQ_NO).uint(p.seqNo(), MAX_U32, "SeqNo");
            if (addr) {
                w.key(SOURCE_ADDR).bytes(p.sourceAddr());
            }
            if (node) {
                w.key(SOURCE_NODE).str(p.sourceNode());
            }
            if (port) {
                w.key(SOURCE_PORT).uint(p.sourcePort(), MAX_U16, "SourcePort");
            }
            w.key(TARGET).bytes(p.target());
        } else if (m instanceof AckResp a) {
            w.map(2);
            w.key(PAYLOAD).bytes(a.payload());
            w.key(SEQ_NO).uint(a.seqNo(), MAX_U32, "SeqNo");
        } else if (m instanceof NackResp n) {
            w.map(1).key(SEQ_NO).uint(n.seqNo(), MAX_U32, "SeqNo");
        } else if (m instanceof ErrResp e) {
            w.map(1).key(ERROR).str(e.error());
        } else if (m instanceof Suspect s) {
            w.map(3);
            w.key(FROM).str(s.from());
            w.key(INCARNATION).uint(s.incarnation(), MAX_U32, "Incarnation");
            w.key(NODE).str(s.node());
        } else if (m instanceof Dead d) {
            w.map(3);
            w.key(FROM).str(d.from());
            w.key(INCARNATION).uint(d.incarnation(), MAX_U32, "Incarnation");
            w.key(NODE).str(d.node());
        } else if (m instanceof Alive a) {
            w.map(6);
            w.key(ADDR).bytes(a.addr());
            w.key(INCARNATION).uint(a.incarnation(), MAX_U32, "Incarnation");
            w.key(META).bytes(a.meta());
            w.key(NODE).str(a.node());
            w.key(PORT).uint(a.port(), MAX_U16, "Port");
            w.key(VSN).bytes(a.vsn());
        } else if (m instanceof PushPullHeader h) {
            w.map(3);
            w.key(JOIN).bool(h.join());
            w.key(NODES).integer(h.nodes());
            w.key(USER_STATE_LEN).integer(h.userStateLen());
        } else if (m instanceof UserMsgHeader h) {
            w.map(1).key(USER_MSG_LEN).integer(h.userMsgLen());
        } else if (m instanceof PushNodeState n) {
            w.map(7);
            w.key(ADDR).bytes(n.addr());
            w.key(INCARNATION).uint(n.incarnation(), MAX_U32, "Incarnation");
            w.key(META).bytes(n.meta());
            w.key(NAME).str(n.name());
            w.key(PORT).uint(n.port(), MAX_U16, "Port");
            w.key(STATE).integer(n.state());
            w.key(VSN).bytes(n.vsn());
        } else if (m instanceof Compress c) {
            w.map(2);
            w.key(ALGO).uint(c.algo(), MAX_U8, "Algo");
            w.key(BUF).bytes(c.buf());
        } else {
            throw new IllegalArgumentException("unknown message " + m);
        }
    }

    /**
     * Decodes one body of the given class from {@code buf[off, off + len)}. Trailing bytes are ignored.
     *
     * @throws DecodeException on anything malformed; never any other exception
     */
    public static <T extends Message> T decode(Class<T> type, byte[] buf, int off, int len) throws DecodeException {
        MsgReader r = MsgReader.acquire(buf, off, len);
        try {
            return type.cast(read(type, r));
        } finally {
            r.release();
        }
    }

    /** Reads one struct of the given class; the reader is left just after it. */
    static Message read(Class<? extends Message> type, MsgReader r) throws DecodeException {
        if (type == Ping.class) {
            return readPing(r);
        } else if (type == IndirectPingReq.class) {
            return readIndirectPing(r);
        } else if (type == AckResp.class) {
            return readAck(r);
        } else if (type == NackResp.class) {
            return readNack(r);
        } else if (type == ErrResp.class) {
            return readErr(r);
        } else if (type == Suspect.class) {
            return readSuspect(r);
        } else if (type == Alive.class) {
            return readAlive(r);
        } else if (type == Dead.class) {
            return readDead(r);
        } else if (type == PushPullHeader.class) {
            return readPushPullHeader(r);
        } else if (type == UserMsgHeader.class) {
            return readUserMsgHeader(r);
        } else if (type == PushNodeState.class) {
            return readNodeState(r);
        } else if (type == Compress.class) {
            return readCompress(r);
        }
        throw new IllegalArgumentException("not a message class: " + type);
    }

    private static Ping readPing(MsgReader r) throws DecodeException {
        long seqNo = 0;
        String node = "";
        byte[] sourceAddr = null;
        int sourcePort = 0;
        String sourceNode = "";
        for (int i = r.readStructHeader(); i > 0; i--) {
            switch (r.readKey(PING_KEYS)) {
                case 0 -> node = r.readName();
                case 1 -> seqNo = r.readUint(MAX_U32);
                case 2 -> sourceAddr = r.readBytes();
                case 3 -> sourceNode = r.readName();
                case 4 -> sourcePort = (int) r.readUint(MAX_U16);
                default -> r.skip();
            }
        }
        return new Ping(seqNo, node, sourceAddr, sourcePort, sourceNode);
    }

    private static IndirectPingReq readIndirectPing(MsgReader r) throws DecodeException {
        long seqNo = 0;
        byte[] target = null;
        int port = 0;
        String node = "";
        boolean nack = false;
        byte[] sourceAddr = null;
        int sourcePort = 0;
        String sourceNode = "";
        for (int i = r.readStructHeader(); i > 0; i--) {
            switch (r.readKey(INDIRECT_KEYS)) {
                case 0 -> nack = r.readBool();
                case 1 -> node = r.readName();
                case 2 -> port = (int) r.readUint(MAX_U16);
                case 3 -> seqNo = r.readUint(MAX_U32);
                case 4 -> sourceAddr = r.readBytes();
                case 5 -> sourceNode = r.readName();
                case 6 -> sourcePort = (int) r.readUint(MAX_U16);
                case 7 -> target = r.readBytes();
                default -> r.skip();
            }
        }
        return new IndirectPingReq(seqNo, target, port, node, nack, sourceAddr, sourcePort, sourceNode);
    }

    private static AckResp readAck(MsgReader r) throws DecodeException {
        long seqNo = 0;
        byte[] payload = null;
        for (int i = r.readStructHeader(); i > 0; i--) {
            switch (r.readKey(ACK_KEYS)) {
                case 0 -> payload = r.readBytes();
                case 1 -> seqNo = r.readUint(MAX_U32);
                default -> r.skip();
            }
        }
        return new AckResp(seqNo, payload);
    }

    private static NackResp readNack(MsgReader r) throws DecodeException {
        long seqNo = 0;
        for (int i = r.readStructHeader(); i > 0; i--) {
            if (r.readKey(NACK_KEYS) == 0) {
                seqNo = r.readUint(MAX_U32);
            } else {
                r.skip();
            }
        }
        return new NackResp(seqNo);
    }

    private static ErrResp readErr(MsgReader r) throws DecodeException {
        String error = "";
        for (int i = r.readStructHeader(); i > 0; i--) {
            if (r.readKey(ERR_KEYS) == 0) {
                error = r.readString();
            } else {
                r.skip();
            }
        }
        return new ErrResp(error);
    }

    private static Suspect readSuspect(MsgReader r) throws DecodeException {
        long incarnation = 0;
        String node = "";
        String from = "";
        for (int i = r.readStructHeader(); i > 0; i--) {
            switch (r.readKey(SUSPECT_KEYS)) {
                case 0 -> from = r.readName();
                case 1 -> incarnation = r.readUint(MAX_U32);
                case 2 -> node = r.readName();
                default -> r.skip();
            }
        }
        return new Suspect(incarnation, node, from);
    }

    private static Dead readDead(MsgReader r) throws DecodeException {
        // Same fields as suspect.
        Suspect s = readSuspect(r);
        return new Dead(s.incarnation(), s.node(), s.from());
    }

    private static Alive readAlive(MsgReader r) throws DecodeException {
        long incarnation = 0;
        String node = "";
        byte[] addr = null;
        int port = 0;
        byte[] meta = null;
        byte[] vsn = null;
        for (int i = r.readStructHeader(); i > 0; i--) {
            switch (r.readKey(ALIVE_KEYS)) {
                case 0 -> addr = r.readBytes();
                case 1 -> incarnation = r.readUint(MAX_U32);
                case 2 -> meta = r.readBytes();
                case 3 -> node = r.readName();
                case 4 -> port = (int) r.readUint(MAX_U16);
                case 5 -> vsn = r.readBytes();
                default -> r.skip();
            }
        }
        return new Alive(incarnation, node, addr, port, meta, vsn);
    }

    private static PushPullHeader readPushPullHeader(MsgReader r) throws DecodeException {
        int nodes = 0;
        int userStateLen = 0;
        boolean join = false;
        for (int i = r.readStructHeader(); i > 0; i--) {
            switch (r.readKey(PUSH_PULL_KEYS)) {
                case 0 -> join = r.readBool();
                case 1 -> nodes = r.readInt();
                case 2 -> userStateLen = r.readInt();
                default -> r.skip();
            }
        }
        return new PushPullHeader(nodes, userStateLen, join);
    }

    private static UserMsgHeader readUserMsgHeader(MsgReader r) throws DecodeException {
        int userMsgLen = 0;
        for (int i = r.readStructHeader(); i > 0; i--) {
            if (r.readKey(USER_MSG_KEYS) == 0) {
                userMsgLen = r.readInt();
            } else {
                r.skip();
            }
        }
        return new UserMsgHeader(userMsgLen);
    }

    private static PushNodeState readNodeState(MsgReader r) throws DecodeException {
        String name = "";
        byte[] addr = null;
        int port = 0;
        byte[] meta = null;
        long incarnation = 0;
        int state = 0;
        byte[] vsn = null;
        for (int i = r.readStructHeader(); i > 0; i--) {
            switch (r.readKey(NODE_STATE_KEYS)) {
                case 0 -> addr = r.readBytes();
                case 1 -> incarnation = r.readUint(MAX_U32);
                case 2 -> meta = r.readBytes();
                case 3 -> name = r.readName();
                case 4 -> port = (int) r.readUint(MAX_U16);
                case 5 -> state = r.readInt();
                case 6 -> vsn = r.readBytes();
                default -> r.skip();
            }
        }
        return new PushNodeState(name, addr, port, meta, incarnation, state, vsn);
    }

    private static Compress readCompress(MsgReader r) throws DecodeException {
        int algo = 0;
        byte[] buf = null;
        for (int i = r.readStructHeader(); i > 0; i--) {
            switch (r.readKey(COMPRESS_KEYS)) {
                case 0 -> algo = (int) r.readUint(MAX_U8);
                case 1 -> buf = r.readBytes();
                default -> r.skip();
            }
        }
        return new Compress(algo, buf);
    }

    /**
     * Reads the compress struct without copying its buffer.
     *
     * @return {@code {algo, bufOffset, bufLength}} with the offset relative to the reader's range,
     *     offset -1 when Buf was nil or absent
     */
    static int[] readCompressSpan(MsgReader r) throws DecodeException {
        int algo = 0;
        int start = -1;
        int length = 0;
        for (int i = r.readStructHeader(); i > 0; i--) {
            switch (r.readKey(COMPRESS_KEYS)) {
                case 0 -> algo = (int) r.readUint(MAX_U8);
                case 1 -> {
                    start = r.readRawSpan();
                    length = r.spanLength();
                }
                default -> r.skip();
            }
        }
        return new int[] {algo, start, length};
    }

    /** A push-pull stream message: {@code [6]}, header, node states, raw user state. */
    public static byte[] encodePushPull(PushPull p) {
        byte[] user = p.userState();
        int userLen = user == null ? 0 : user.length;
        MsgWriter w = pushPullHeader(p.join(), p.nodes().size(), userLen);
        for (PushNodeState n : p.nodes()) {
            writeBody(w, n);
        }
        if (userLen > 0) {
            w.raw(user, 0, userLen);
        }
        return w.toByteArray();
    }

    /** The calling thread's writer with a push-pull's type byte and header in it. */
    private static MsgWriter pushPullHeader(boolean join, int nodes, int userLen) {
        MsgWriter w = MsgWriter.start();
        w.rawByte(MessageType.PUSH_PULL.code());
        writeBody(w, new PushPullHeader(nodes, userLen, join));
        return w;
    }

    /**
     * {@link #encodePushPull(PushPull)} from node states already encoded ({@link #encodeBody}
     * of a {@link PushNodeState} each): a node keeps each member's encoding while the member does
     * not change, so that an exchange of thousands of members is one copy of each.
     *
     * @param user the delegate's state, or null
     */
    public static byte[] encodePushPull(boolean join, List<byte[]> states, byte[] user) {
        int userLen = user == null ? 0 : user.length;
        byte[] header = pushPullHeader(join, states.size(), userLen).toByteArray();
        int len = header.length + userLen;
        for (byte[] s : states) {
            len += s.length;
        }
        byte[] out = Arrays.copyOf(header, len);
        int at = header.length;
        for (byte[] s : states) {
            System.arraycopy(s, 0, out, at, s.length);
            at += s.length;
        }
        if (userLen > 0) {
            System.arraycopy(user, 0, out, at, userLen);
        }
        return out;
    }

    /**
     * Decodes what follows type byte 6 in a push-pull stream.
     *
     * @throws DecodeException when malformed, truncated, or over {@link Limits}
     */
    public static PushPull decodePushPull(byte[] buf, int off, int len) throws DecodeException {
        return decodePushPull(buf, off, len, null);
    }

    /**
     * {@link #decodePushPull(byte[], int, int)}, leaving out the alive node states the receiver
     * already has ({@link PushPull#skipped()}): merging them would change nothing, and between two
     * members of a converged cluster that is nearly all of them.
     *
     * @param stale the receiver's test, or null to keep every state
     */
    public static PushPull decodePushPull(byte[] buf, int off, int len, StaleStates stale) throws DecodeException {
        MsgReader r = MsgReader.acquire(buf, off, len);
        try {
            return readPushPull(r, buf, off, stale);
        } finally {
            r.release();
        }
    }

    private static PushPull readPushPull(MsgReader r, byte[] buf, int off, StaleStates stale) throws DecodeException {
        PushPullHeader h = readPushPullHeader(r);
        checkPushPullHeader(h);
        // Each node state takes at least one byte, so never reserve more than what is there.
        List<PushNodeState> nodes = new ArrayList<>(Math.min(h.nodes(), r.remaining()));
        int end = off + r.position() + r.remaining();
        Predicate<AliveView> test = stale == null ? null : stale.forPushPull(h.join());
        SkippedStates skipped = test == null ? null : new SkippedStates();
        int statesEnd = PushStateReader.read(buf, off + r.position(), end, h.nodes(), nodes, test, skipped);
        int position;
        if (statesEnd >= 0) {
            position = statesEnd - off;
        } else {
            // not the plain shape: all of them again, by the decoder that says what is wrong
            skipped = null;
            nodes.clear();
            for (int i = 0; i < h.nodes(); i++) {
                nodes.add(readNodeState(r));
            }
            position = r.position();
        }
        int remaining = end - off - position;
        byte[] userState = null;
        if (h.userStateLen() > 0) {
            if (remaining < h.userStateLen()) {
                throw new DecodeException(
                        "failed to read full user state (" + remaining + " / " + h.userStateLen() + ")");
            }
            userState = new byte[h.userStateLen()];
            System.arraycopy(buf, off + position, userState, 0, userState.length);
        }
        return new PushPull(h.join(), nodes, userState, skipped == null || skipped.count() == 0 ? null : skipped);
    }

    /** Go HEAD's bounds on a received push-pull header. */
    static void checkPushPullHeader(PushPullHeader h) throws DecodeException {
        if (h.nodes() < 0 || h.nodes() > Limits.MAX_PUSH_STATE_NODES) {
            throw new DecodeException("invalid number of nodes in push-pull: " + h.nodes());
        }
        if (h.userStateLen() < 0 || h.userStateLen() > Limits.MAX_PUSH_STATE_BYTES) {
            throw new DecodeException("invalid user state length in push-pull: " + h.userStateLen());
        }
    }

    /** A user-message stream message: {@code [8]}, header, raw message. */
    public static byte[] encodeUserMsgStream(byte[] msg) {
        MsgWriter w = MsgWriter.start();
        w.rawByte(MessageType.USER.code());
        writeBody(w, new UserMsgHeader(msg.length));
        w.raw(msg, 0, msg.length);
        return w.toByteArray();
    }

    /**
     * Decodes what follows type byte 8 in a stream: the user message.
     *
     * @throws DecodeException when malformed, truncated, or over {@link Limits#MAX_USER_MSG_BYTES}
     */
    public static byte[] decodeUserMsgStream(byte[] buf, int off, int len) throws DecodeException {
        MsgReader r = MsgReader.acquire(buf, off, len);
        try {
            return readUserMsg(r, buf, off);
        } finally {
            r.release();
        }
    }

    private static byte[] readUserMsg(MsgReader r, byte[] buf, int off) throws DecodeException {
        UserMsgHeader h = readUserMsgHeader(r);
        checkUserMsgHeader(h);
        if (r.remaining() < h.userMsgLen()) {
            throw new DecodeException(
                    "failed to read full user message (" + r.remaining() + " / " + h.userMsgLen() + ")");
        }
        byte[] msg = new byte[h.userMsgLen()];
        System.arraycopy(buf, off + r.position(), msg, 0, msg.length);
        return msg;
    }

    /** Bounds on a received user-message header (negative lengths are rejected, Go ignores them). */
    static void checkUserMsgHeader(UserMsgHeader h) throws DecodeException {
        if (h.userMsgLen() < 0 || h.userMsgLen() > Limits.MAX_USER_MSG_BYTES) {
            throw new DecodeException("invalid user message length: " + h.userMsgLen());
        }
    }
}
