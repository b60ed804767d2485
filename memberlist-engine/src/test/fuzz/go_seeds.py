#!/usr/bin/env python3
"""Writes the Go wire vectors (interop/go-peer/vectors) as seeds of the fuzz targets, named go-*.

Each fuzz test reads a FuzzedDataProvider: choices are taken from the END of the input, raw
bytes from the FRONT. A seed is therefore the raw input followed by the choice bytes, last
choice first; a choice byte of 0 selects the raw-bytes branch everywhere.
Run from the reactor root: python3 memberlist-engine/src/test/fuzz/go_seeds.py
"""
import json
import os

ROOT = os.getcwd()
VECTORS = os.path.join(ROOT, "interop/go-peer/vectors/go-memberlist-0.2.2.jsonl")
RES = os.path.join(ROOT, "memberlist-engine/src/test/resources/dev/memberlist/engine")

v = {}
for line in open(VECTORS):
    if line.strip():
        j = json.loads(line)
        v[j["name"]] = j


def b(name, field="hex"):
    return bytes.fromhex(v[name][field])


def seed(cls_dir, method, name, data):
    d = os.path.join(RES, cls_dir, method)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "go-" + name), "wb") as f:
        f.write(data)


RAW = b"\x00"  # consumeBoolean() false / consumeInt(0, n) == 0: the raw-bytes branch
wire = "wire/WireFuzzTestInputs"

# MessageCodec.decode: the body after the type byte
by_target = {
    "ping": ["ping_min", "ping_full"],
    "indirectPing": ["indirect_ping"],
    "ack": ["ack", "ack_nil_payload"],
    "nack": ["nack"],
    "err": ["err"],
    "suspect": ["suspect"],
    "alive": ["alive_v4", "alive_v6_nil_meta", "alive_long"],
    "dead": ["dead", "dead_left"],
    "pushPullHeader": ["push_pull_header", "push_pull_header_big"],
    "userMsgHeader": ["user_msg_header", "user_msg_header_big"],
    "compress": ["compress_alive_v4"],
}
for target, names in by_target.items():
    for n in names:
        seed(wire, target, n, b(n)[1:] + RAW)
seed(wire, "pushNodeState", "push_node_state_left", b("push_node_state_left") + RAW)

# whole messages
seed(wire, "decodePushPull", "stream_push_pull_plain", b("stream_push_pull_plain")[1:] + RAW)
seed(wire, "decodeUserMsgStream", "user_msg", b("user_msg_header")[1:] + b"hello" + RAW)
seed(wire, "compound", "compound_ping_ack_suspect", b("compound_ping_ack_suspect")[1:] + RAW)
seed(wire, "decompressPayload", "compress_alive_v4", b("compress_alive_v4")[1:] + RAW)
seed(wire, "decompressPayload", "stream_push_pull_lzw", b("stream_push_pull_lzw")[1:] + RAW)
for n in ["lzw_empty", "lzw_a", "lzw_tobe", "lzw_repeat_10k", "lzw_varied_40k"]:
    seed(wire, "lzw", n, b(n) + RAW)
seed(wire, "label", "labeled_ping", bytes([244, 4]) + b"prod" + b("ping_min") + RAW)
for n in ["stream_push_pull_plain", "stream_push_pull_lzw", "stream_push_pull_lzw_aes128"]:
    seed(wire, "frameLength", n, b(n) + RAW)

# Security.decryptPayload. Choices in the order the test takes them: key count, key size index
# (16, 24, 32), [key bytes from the front], aad null?, [aad length, aad bytes], raw branch.
def decrypt_seed(name, key, ct, aad):
    size_idx = {16: 0, 24: 1, 32: 2}[len(key)]
    front = key + (aad if aad is not None else b"") + ct
    # end of input, read backwards: n=1, size index, aad-is-null, [aad length], raw
    choices = [1, size_idx, 1 if aad is None else 0] + ([] if aad is None else [len(aad)]) + [0]
    seed("security/SecurityFuzzTestInputs", "decryptPayload", name, front + bytes(reversed(choices)))


decrypt_seed("encrypt_v1_aes128", b("encrypt_v1_aes128", "key_hex"), b("encrypt_v1_aes128"), None)
decrypt_seed("encrypt_v0_aes192", b("encrypt_v0_aes192", "key_hex"), b("encrypt_v0_aes192"), None)
decrypt_seed("encrypt_v1_aes256_aad", b("encrypt_v1_aes256_aad", "key_hex"), b("encrypt_v1_aes256_aad"),
             b("encrypt_v1_aes256_aad", "aad_hex"))
s = b("stream_push_pull_lzw_aes128")
decrypt_seed("stream_push_pull_lzw_aes128", b("stream_push_pull_lzw_aes128", "key_hex"), s[5:], s[:5])

# The pipelines, on the plain node: choices secure=0, verify (negated)=0, compression=0, raw=0.
PLAIN = b"\x00\x00\x00\x00"
for n in ["ping_full", "indirect_ping", "ack", "nack", "suspect", "alive_v4", "dead", "compound_ping_ack_suspect",
          "compress_alive_v4", "crc_alive_v4"]:
    seed("PipelineFuzzTestInputs", "ingestPacket", n, b(n) + PLAIN)
for n in ["stream_push_pull_plain", "stream_push_pull_lzw"]:
    seed("PipelineFuzzTestInputs", "stream", n, b(n) + PLAIN)
seed("PipelineFuzzTestInputs", "stream", "ping_full", b("ping_full") + PLAIN)
seed("PipelineFuzzTestInputs", "stream", "user_msg", b("user_msg_header") + b"hello" + PLAIN)
