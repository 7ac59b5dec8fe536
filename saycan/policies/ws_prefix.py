"""The first payload bytes of a websocket message, read from the raw stream, so its structure is checked early.

websockets hands a message over only when all of it has arrived, and parsing a 5 MiB frame costs
several copies of it. The REST server checks a body's first 64 KiB as they arrive
(`saycan.serve_policy.read_body`); this gives the websocket server the same: from the bytes a client
has sent since its last message, the unmasked start of the next data frame (RFC 6455 section 5.2),
skipping the control frames (pings, pongs) that may come first.
"""

from __future__ import annotations

import struct

import numpy as np

CONTROL = 0x8  # opcodes from here on are control frames (close, ping, pong)


def first_payload(raw: bytes | bytearray, limit: int) -> tuple[int, bytes] | None:
    """``(opcode, payload start)`` of the first data frame in ``raw``: up to ``limit`` bytes, unmasked.

    Args:
        raw: A client's bytes since its last whole message (frames from a client are always masked).
        limit: Most payload bytes wanted.

    Returns:
        None until the frame's header has arrived; then the opcode (1 text, 2 binary) and as much of
        the payload as ``raw`` holds, at most ``limit`` bytes.
    """
    pos = 0
    while True:
        if len(raw) < pos + 2:
            return None
        opcode, length = raw[pos] & 0x0F, raw[pos + 1] & 0x7F
        head = 2
        if length == 126:
            head, length = 4, struct.unpack_from(">H", raw, pos + 2)[0] if len(raw) >= pos + 4 else -1
        elif length == 127:
            head, length = 10, struct.unpack_from(">Q", raw, pos + 2)[0] if len(raw) >= pos + 10 else -1
        masked = raw[pos + 1] & 0x80
        start = pos + head + (4 if masked else 0)
        if length < 0 or len(raw) < start:
            return None
        if opcode >= CONTROL:  # a ping or pong before the message: skip it whole
            if len(raw) < start + length:
                return None
            pos = start + length
            continue
        payload = np.frombuffer(bytes(raw[start : start + min(length, limit)]), np.uint8)
        if masked:
            mask = np.frombuffer(bytes(raw[start - 4 : start]), np.uint8)
            payload = payload ^ np.tile(mask, payload.size // 4 + 1)[: payload.size]
        return opcode, payload.tobytes()
