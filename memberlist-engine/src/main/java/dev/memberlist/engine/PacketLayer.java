package dev.memberlist.engine;

import dev.memberlist.engine.delegate.NodeDelegate;
import dev.memberlist.engine.security.Security;
import dev.memberlist.engine.transport.Packet;
import dev.memberlist.engine.wire.AckResp;
import dev.memberlist.engine.wire.Alive;
import dev.memberlist.engine.wire.AliveView;
import dev.memberlist.engine.wire.Compound;
import dev.memberlist.engine.wire.Compression;
import dev.memberlist.engine.wire.Crc;
import dev.memberlist.engine.wire.Dead;
import dev.memberlist.engine.wire.DecodeException;
import dev.memberlist.engine.wire.IndirectPingReq;
import dev.memberlist.engine.wire.Label;
import dev.memberlist.engine.wire.LimitExceededException;
import dev.memberlist.engine.wire.Limits;
import dev.memberlist.engine.wire.Message;
import dev.memberlist.engine.wire.MessageCodec;
import dev.memberlist.engine.wire.MessageType;
import dev.memberlist.engine.wire.NackResp;
import dev.memberlist.engine.wire.Ping;
import dev.memberlist.engine.wire.Suspect;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Packets in and out (the packet half of Go's net.go). Outbound, from any thread: piggyback
 * gossip, compress when it helps, add a CRC for peers that understand it, encrypt, label.
 * Inbound, on the I/O thread: strip the label, decrypt, check the CRC, take compounds and
 * compression apart and decode every message; then, as Go's packet listener does, answer pings
 * and complete ack handlers right there, hand alive, suspect and dead to the strand in one task,
 * and user messages to the delegate queue. Bad input is dropped and counted, never thrown.
 */
final class PacketLayer {
    /**
     * Packets shorter than this are sent as they are, without a trial compression. Go compresses
     * every packet and keeps the result if it is shorter; below this size it never is: over
     * 200,000 realistic packets (pings, acks, alive, suspect and dead messages, user messages,
     * compounds of them), the shortest that compression shrank was 88 bytes, and none under 100
     * in a hundred. Pings and acks, most of the steady traffic, are 10-80 bytes.
     */
    static final int MIN_COMPRESSIBLE = 64;

    /** Compressed and compound wrappers nest; more than this is not something Go sends. */
    private static final int MAX_NESTING = 4;

    private final NodeContext m;
    private final byte[] labelBytes;
    private final AtomicInteger pending = new AtomicInteger();

    /** A user message received in a packet. */
    record UserMsg(byte[] msg) {}

    PacketLayer(NodeContext m) {
        this.m = m;
        this.labelBytes = m.config.getLabel().getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes a label header adds to every packet. */
    int labelOverhead() {
        return labelBytes.length == 0 ? 0 : 2 + labelBytes.length;
    }

    // ---- outbound ------------------------------------------------------------------------

    /**
     * Encodes and sends with piggybacked gossip (Go's encodeAndSendMsg); completes when written.
     *
     * @param userBroadcasts whether the node delegate's broadcasts may ride along: only on the
     *     strand, never for an ack, since {@code getBroadcasts} is application code that may be slow
     */
    CompletableFuture<Void> encodeAndSendMsg(Address a, Message msg, boolean userBroadcasts) {
        return sendMsg(a, MessageCodec.encode(msg), userBroadcasts);
    }

    /** Sends one message, adding as much queued gossip as fits (Go's sendMsg); completes when written. */
    CompletableFuture<Void> sendMsg(Address a, byte[] msg, boolean userBroadcasts) {
        int bytesAvail = m.config.getUdpBufferSize() - msg.length - Gossip.COMPOUND_HEADER_OVERHEAD - labelOverhead();
        if (m.encryptionEnabled() && m.isGossipVerifyOutgoing()) {
            bytesAvail -= Security.encryptOverhead(m.encryptionVersion());
        }
        List<byte[]> extra = m.gossip.getBroadcasts(Gossip.COMPOUND_OVERHEAD, bytesAvail, userBroadcasts);
        if (extra.isEmpty()) {
            return rawSendMsgPacket(a, null, msg);
        }
        List<byte[]> msgs = new ArrayList<>(1 + extra.size());
        msgs.add(msg);
        msgs.addAll(extra);
        CompletableFuture<Void> first = null;
        for (byte[] compound : Compound.makeCompoundMessages(msgs)) {
            CompletableFuture<Void> f = rawSendMsgPacket(a, null, compound);
            if (first == null) {
                first = f;
            }
        }
        return first;
    }

    /**
     * Sends a packet with only compression, CRC, encryption and label added (Go's
     * rawSendMsgPacket). Safe from any thread.
     *
     * @param node the destination's record if known, for its protocol version; else looked up
     */
    CompletableFuture<Void> rawSendMsgPacket(Address a, NodeRecord node, byte[] msg) {
        return rawSendMsgPacket(a, node == null ? -1 : node.pMax(), msg);
    }

    /**
     * Go's rawSendMsgPacket for a node known by its highest protocol version: a CRC from 5 on;
     * {@code pMax} -1 looks the node up by the address's host, as Go does without a node.
     */
    CompletableFuture<Void> rawSendMsgPacket(Address a, int pMax, byte[] msg) {
        if (a.name().isEmpty() && m.config.isRequireNodeNames()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "memberlist: node names are required by configuration but one was not provided"));
        }
        if (m.config.isEnableCompression() && msg.length >= MIN_COMPRESSIBLE) {
            byte[] compressed = Compression.compressPayload(msg);
            if (compressed.length < msg.length) {
                msg = compressed;
            }
        }
        if (pMax < 0) {
            // Go looks the node up by the host part of the address, so pings, acks and user
            // packets only carry a CRC where node names are IPs; we send exactly what Go sends
            Node known = m.membership.view(a.socketAddress().getAddress().getHostAddress());
            pMax = known == null ? 0 : known.pMax();
        }
        if (pMax >= 5) {
            msg = Crc.addCrc(msg);
        }
        byte[] key = m.outgoingKey();
        if (key != null) {
            msg = Security.encryptPayload(m.encryptionVersion(), key, msg, labelBytes);
        }
        m.metrics.incrCounter("memberlist.udp.sent", msg.length);
        if (labelBytes.length > 0) {
            msg = Label.addLabelHeaderToPacket(msg, m.config.getLabel());
        }
        return m.transport.writeToAddress(msg, a).whenComplete((v, e) -> {
            if (e != null) {
                m.log.debug("{}: failed to send packet to {}: {}", m.name, a, e.toString());
            }
        });
    }

    // ---- inbound -------------------------------------------------------------------------

    /** Decodes a datagram, answers what is answered here and hands off the rest (Go's ingestPacket). I/O thread. */
    void ingestPacket(Packet packet) {
        long timestamp = m.strand.nanoTime();
        byte[] buf = packet.buf();
        m.metrics.incrCounter("memberlist.udp.received", buf.length);
        Label.Unwrapped u;
        try {
            u = Label.removeLabelHeaderFromPacket(buf);
        } catch (DecodeException e) {
            m.countDrop("packet", "label");
            return;
        }
        if (m.config.isSkipInboundLabelCheck()) {
            if (!u.label().isEmpty()) {
                m.countDrop("packet", "label");
                return;
            }
        } else if (!m.config.getLabel().equals(u.label())) {
            m.countDrop("packet", "label");
            return;
        }
        buf = u.payload();
        // whether a key of ours sealed it: it then speaks for whoever it names (a leave, say)
        boolean authenticated = false;
        List<byte[]> keys = m.keyring.keysUnsafe();
        if (!keys.isEmpty()) {
            try {
                buf = Security.decryptPayload(keys, buf, labelBytes);
                authenticated = true;
            } catch (DecodeException e) {
                if (m.isGossipVerifyIncoming()) {
                    m.countDrop("packet", "decrypt");
                    return;
                }
                // not verifying: take it as plaintext, as Go does during a rollout
            }
        }
        int off = 0;
        if (Crc.hasCrc(buf)) {
            if (!Crc.verify(buf)) {
                m.countDrop("packet", "crc");
                return;
            }
            off = 5;
        }
        List<Object> msgs = new ArrayList<>(4);
        if (!handleCommand(buf, off, buf.length - off, msgs, 0, new Budget())) {
            // nothing of a packet over its budget is handed on
            m.countDrop("packet", "budget");
            return;
        }
        if (msgs.isEmpty()) {
            return;
        }
        InetSocketAddress from = packet.from();
        List<Object> forStrand = null;
        for (Object msg : msgs) {
            if (msg instanceof Ping p) {
                m.probe.handlePing(p, from);
            } else if (msg instanceof IndirectPingReq ind) {
                m.probe.handleIndirectPing(ind, from);
            } else if (msg instanceof AckResp ack) {
                m.probe.handleAck(ack, timestamp);
            } else if (msg instanceof NackResp nack) {
                m.probe.handleNack(nack);
            } else if (msg instanceof UserMsg user) {
                NodeDelegate d = m.config.getDelegate();
                if (d != null) {
                    m.delegates.message(() -> d.notifyMsg(user.msg()));
                }
            } else {
                if (forStrand == null) {
                    forStrand = new ArrayList<>(msgs.size());
                }
                forStrand.add(msg);
            }
        }
        if (forStrand == null) {
            return;
        }
        // Go's handoff queue: bounded, and past it dropped and counted
        if (pending.incrementAndGet() > 2 * m.config.getHandoffQueueDepth()) {
            pending.decrementAndGet();
            m.countDrop("packet", "queue_full");
            return;
        }
        List<Object> batch = forStrand;
        boolean sealed = authenticated;
        m.strand.execute(() -> {
            pending.decrementAndGet();
            for (Object msg : batch) {
                dispatch(msg, from, sealed);
            }
        });
    }

    /**
     * What one datagram may still decode to ({@link Limits#MAX_PACKET_DECODED_BYTES},
     * {@link Limits#MAX_PACKET_MESSAGES}): Go bounds only each decompression, at 40 MiB, so one
     * packet of nested compressed parts may claim hundreds.
     */
    private static final class Budget {
        int bytes = Limits.MAX_PACKET_DECODED_BYTES;
        int messages = Limits.MAX_PACKET_MESSAGES;

        /** Takes n bytes; false when they are not there. */
        boolean take(int n) {
            bytes -= n;
            return bytes >= 0;
        }
    }

    /**
     * Decodes one message, recursing into compounds and compression (Go's handleCommand).
     *
     * @return false when the packet went over its budget: drop all of it
     */
    private boolean handleCommand(byte[] buf, int off, int len, List<Object> out, int depth, Budget budget) {
        if (len < 1) {
            m.countDrop("packet", "empty");
            return true;
        }
        if (--budget.messages < 0) {
            return false;
        }
        MessageType type = MessageType.fromCode(buf[off] & 0xff);
        try {
            if (type == null) {
                m.countDrop("packet", "unknown_type");
                return true;
            }
            switch (type) {
                case COMPOUND -> {
                    if (depth >= MAX_NESTING) {
                        m.countDrop("packet", "nesting");
                        return true;
                    }
                    // the parts count against the budget as when they were copies: read in place now, same bound
                    if (!budget.take(len)) {
                        return false;
                    }
                    Compound.Spans parts = Compound.decodeCompoundSpans(buf, off + 1, len - 1);
                    if (parts.truncated() > 0) {
                        m.countDrop("packet", "truncated_compound");
                    }
                    for (int i = 0; i < parts.count(); i++) {
                        if (!handleCommand(buf, parts.offset(i), parts.length(i), out, depth + 1, budget)) {
                            return false;
                        }
                    }
                }
                case COMPRESS -> {
                    if (depth >= MAX_NESTING) {
                        m.countDrop("packet", "nesting");
                        return true;
                    }
                    byte[] payload;
                    try {
                        payload = Compression.decompressPayload(buf, off + 1, len - 1, Math.max(0, budget.bytes));
                    } catch (LimitExceededException e) {
                        return false;
                    }
                    budget.take(payload.length);
                    if (!handleCommand(payload, 0, payload.length, out, depth + 1, budget)) {
                        return false;
                    }
                }
                case PING -> out.add(MessageCodec.decode(Ping.class, buf, off + 1, len - 1));
                case INDIRECT_PING -> out.add(MessageCodec.decode(IndirectPingReq.class, buf, off + 1, len - 1));
                case ACK_RESP -> out.add(MessageCodec.decode(AckResp.class, buf, off + 1, len - 1));
                case NACK_RESP -> out.add(MessageCodec.decode(NackResp.class, buf, off + 1, len - 1));
                case SUSPECT -> out.add(MessageCodec.decode(Suspect.class, buf, off + 1, len - 1));
                case ALIVE -> {
                    AliveView view = AliveView.reading(buf, off + 1, len - 1);
                    if (view == null) {
                        out.add(MessageCodec.decode(Alive.class, buf, off + 1, len - 1));
                    } else if (!m.membership.isStaleAlive(view)) {
                        out.add(view.toAlive());
                    }
                }
                case DEAD -> out.add(MessageCodec.decode(Dead.class, buf, off + 1, len - 1));
                case USER -> out.add(new UserMsg(Arrays.copyOfRange(buf, off + 1, off + len)));
                default -> m.countDrop("packet", "unknown_type");
            }
        } catch (DecodeException e) {
            m.countDrop("packet", "decode");
            m.log.debug("{}: dropping undecodable {} message: {}", m.name, type, e.getMessage());
        }
        return true;
    }

    /**
     * Alive, suspect and dead. Strand.
     *
     * @param authenticated whether the packet was sealed by a key of our keyring
     */
    private void dispatch(Object msg, InetSocketAddress from, boolean authenticated) {
        if (m.isShutdown()) {
            return;
        }
        if (msg instanceof Suspect s) {
            m.membership.suspectNode(s);
        } else if (msg instanceof Alive a) {
            handleAlive(a, from);
        } else if (msg instanceof Dead d) {
            // a leave speaks for its member only from the member's own address, or sealed by our keys
            m.membership.deadNode(d, authenticated || m.membership.isAt(d.node(), from));
        }
    }

    private void handleAlive(Alive a, InetSocketAddress from) {
        if (m.config.ipMustBeChecked()) {
            if (!m.config.ipAllowed(from.getAddress().getAddress())) {
                m.log.debug("{}: blocked alive message from {}", m.name, from);
                return;
            }
            if (a.addr() != null && !m.config.ipAllowed(a.addr())) {
                m.log.debug("{}: blocked alive message for {} from {}", m.name, a.node(), from);
                return;
            }
        }
        // protocol 1 carried no port
        if (m.config.getProtocolVersion() < 2 || a.port() == 0) {
            a = new Alive(a.incarnation(), a.node(), a.addr(), m.config.getBindPort(), a.meta(), a.vsn());
        }
        m.membership.aliveNode(a, null, false);
    }
}
