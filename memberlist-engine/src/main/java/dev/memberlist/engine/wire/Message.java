package dev.memberlist.engine.wire;

/**
 * A message body of one of Go memberlist's structs. Field names and order on the wire are
 * Go's: a msgpack map keyed by field name, keys sorted. Unsigned Go fields ({@code uint32},
 * {@code uint16}) are carried in {@code long} and {@code int}. Byte-slice fields may be null,
 * which Go encodes as msgpack nil.
 */
public sealed interface Message
        permits Ping,
                IndirectPingReq,
                AckResp,
                NackResp,
                ErrResp,
                Suspect,
                Alive,
                Dead,
                PushPullHeader,
                UserMsgHeader,
                PushNodeState,
                Compress {
    /** The type byte that precedes this body on the wire, or null for bodies that only appear inside streams. */
    MessageType type();
}
