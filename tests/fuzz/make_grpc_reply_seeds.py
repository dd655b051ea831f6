#!/usr/bin/env python3
"""Writes the seed corpus of grpc_reply_fuzz (corpus/grpc_reply/): answers a
daemon could send to one of the CLI's calls, as HTTP/2 frames with headers
coded in HPACK (indexed and literal fields, no Huffman). The first byte of
each seed is the fuzz target's read size. The x_* seeds beside them came
from a review's fuzzing round: CONTINUATION, HPACK's dynamic table and its
size updates, padding, 1xx answers, split messages, GOAWAY and RST_STREAM
after the headers, unknown frames, DATA before the headers."""
import base64
import os
import struct


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def literal(name, value):
    """A literal field with a new name, not indexed."""
    assert len(name) < 127 and len(value) < 127
    return b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value


SETTINGS, SETTINGS_ACK = frame(4, 0, 0), frame(4, 1, 0)
STATUS_200 = b"\x88"  # static table entry 8
CONTENT_TYPE = b"\x0f\x10" + bytes([16]) + b"application/grpc"  # name: static entry 31
END_STREAM, END_HEADERS = 0x1, 0x4


def headers(block, end_stream=False):
    return frame(1, END_HEADERS | (END_STREAM if end_stream else 0), 1, block)


def message(body):
    return frame(0, 0, 1, b"\x00" + struct.pack(">I", len(body)) + body)


seeds = {
    "ok": SETTINGS + SETTINGS_ACK + headers(STATUS_200 + CONTENT_TYPE)
    + message(b"\x0a\x05hello") + headers(literal(b"grpc-status", b"0"), end_stream=True),
    "error_with_details": SETTINGS + headers(
        STATUS_200 + CONTENT_TYPE + literal(b"grpc-status", b"3")
        + literal(b"grpc-message", b"must be 0%E2%80%9310")
        + literal(b"grpc-status-details-bin", base64.b64encode(b"\x08\x03\x12\x02no").rstrip(b"=")),
        end_stream=True),
    "reset": SETTINGS + frame(3, 0, 1, struct.pack(">I", 7)),
    "not_found": SETTINGS + headers(b"\x8d", end_stream=True),  # :status 404, entry 13
    "goaway": SETTINGS + frame(7, 0, 0, struct.pack(">II", 0, 2)),
    "ping_then_ok": SETTINGS + frame(6, 0, 0, b"12345678") + headers(STATUS_200 + CONTENT_TYPE)
    + message(b"") + frame(8, 0, 1, struct.pack(">I", 1000))
    + headers(literal(b"grpc-status", b"0"), end_stream=True),
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "grpc_reply")
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    for read_size in (0, 1, 63):
        with open(os.path.join(out, "%s_%d" % (name, read_size)), "wb") as f:
            f.write(bytes([read_size]) + data)
