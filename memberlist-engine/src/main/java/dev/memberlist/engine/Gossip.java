package dev.memberlist.engine;

import dev.memberlist.engine.broadcast.TransmitLimitedQueue;
import dev.memberlist.engine.security.Security;
import dev.memberlist.engine.wire.Compound;
import dev.memberlist.engine.wire.MessageType;
import java.util.ArrayList;
import java.util.List;

/**
 * Piggybacked dissemination (Go's broadcast.go and the gossip half of state.go): memberlist's
 * own broadcast queue, the node delegate's user broadcasts, and the gossip round that sends
 * them to a few random nodes every gossip interval, the recently dead included.
 */
final class Gossip {
    /** Assumed compound header overhead (Go's {@code compoundHeaderOverhead}). */
    static final int COMPOUND_HEADER_OVERHEAD = 2;
    /** Assumed overhead per compound entry (Go's {@code compoundOverhead}). */
    static final int COMPOUND_OVERHEAD = 2;
    /** The user message type byte. */
    static final int USER_MSG_OVERHEAD = 1;

    private final NodeContext m;
    final TransmitLimitedQueue broadcasts;

    Gossip(NodeContext m) {
        this.m = m;
        this.broadcasts = new TransmitLimitedQueue(m.membership::estNumNodes, m.config.getRetransmitMult());
    }

    /** Queues one of memberlist's own messages about {@code node}, replacing older ones about it. */
    void queueBroadcast(String node, byte[] msg, Runnable notify) {
        broadcasts.queueBroadcast(new MemberlistBroadcast(node, msg, notify));
    }

    /** Queues a broadcast that may be shared with other queues (it has nothing to notify). */
    void queueBroadcast(MemberlistBroadcast b) {
        broadcasts.queueBroadcast(b);
    }

    /**
     * Go's getBroadcasts: our own messages first, then the delegate's user broadcasts framed as
     * user messages in what room is left. Any thread; with {@code user}, the strand only.
     *
     * @param user whether to ask the node delegate too; Go does for every packet, acks included,
     *     but an ack must not wait on application code, so acks carry only our own messages
     */
    List<byte[]> getBroadcasts(int overhead, int limit, boolean user) {
        List<byte[]> toSend = broadcasts.getBroadcasts(overhead, limit);
        if (user && m.config.getDelegate() != null) {
            int used = 0;
            for (byte[] msg : toSend) {
                used += msg.length + overhead;
            }
            int avail = limit - used;
            if (avail > overhead + USER_MSG_OVERHEAD) {
                List<byte[]> userMsgs;
                try {
                    userMsgs = m.config.getDelegate().getBroadcasts(overhead + USER_MSG_OVERHEAD, avail);
                } catch (Throwable e) {
                    m.delegates.failed(e, "get_broadcasts");
                    userMsgs = List.of();
                }
                if (userMsgs != null && !userMsgs.isEmpty()) {
                    if (!(toSend instanceof ArrayList)) {
                        toSend = new ArrayList<>(toSend);
                    }
                    for (byte[] msg : userMsgs) {
                        byte[] buf = new byte[msg.length + 1];
                        buf[0] = (byte) MessageType.USER.code();
                        System.arraycopy(msg, 0, buf, 1, msg.length);
                        toSend.add(buf);
                    }
                }
            }
        }
        return toSend;
    }

    /** One gossip round (Go's gossip()). */
    void gossip() {
        long start = m.strand.nanoTime();
        long now = start;
        long gossipToTheDead = m.config.getGossipToTheDeadTime().toNanos();
        List<NodeRecord> kNodes = m.membership.kRandomNodes(m.config.getGossipNodes(), n -> {
            if (n.name.equals(m.name)) {
                return true;
            }
            return switch (n.state) {
                case ALIVE, SUSPECT -> false;
                case DEAD -> now - m.membership.stateChange(n.name) > gossipToTheDead;
                default -> true;
            };
        });
        int bytesAvail = m.config.getUdpBufferSize() - COMPOUND_HEADER_OVERHEAD - m.packets.labelOverhead();
        if (m.encryptionEnabled()) {
            bytesAvail -= Security.encryptOverhead(m.encryptionVersion());
        }
        for (NodeRecord node : kNodes) {
            List<byte[]> msgs = getBroadcasts(COMPOUND_OVERHEAD, bytesAvail, true);
            if (msgs.isEmpty()) {
                break;
            }
            Address addr = node.fullAddress();
            if (addr == null) {
                continue;
            }
            if (msgs.size() == 1) {
                m.packets.rawSendMsgPacket(addr, node, msgs.get(0));
            } else {
                for (byte[] compound : Compound.makeCompoundMessages(msgs)) {
                    m.packets.rawSendMsgPacket(addr, node, compound);
                }
            }
        }
        m.metrics.recordNanos("memberlist.gossip", m.strand.nanoTime() - start);
    }
}
