import struct

import pytest

from saycan.policies.ws_prefix import first_payload

MASK = b"\x11\x22\x33\x44"


def masked(opcode, payload):
    head = bytes([0x80 | opcode])
    n = len(payload)
    head += (
        bytes([0x80 | n])
        if n < 126
        else (b"\xfe" + struct.pack(">H", n) if n < 2**16 else b"\xff" + struct.pack(">Q", n))
    )
    return head + MASK + bytes(b ^ MASK[i % 4] for i, b in enumerate(payload))


@pytest.mark.parametrize("size", [5, 300, 70_000])
def test_the_payload_start_of_a_masked_frame_of_any_length_is_unmasked(size):
    payload = bytes(range(256)) * (size // 256 + 1)
    frame = masked(0x2, payload[:size])
    assert first_payload(frame, 1000) == (0x2, payload[: min(size, 1000)])
    assert first_payload(frame[:2], 1000) is None  # the header is not all there yet


def test_pings_and_pongs_before_the_message_are_skipped():
    stream = masked(0xA, b"pong") + masked(0x9, b"") + masked(0x2, b"data")
    assert first_payload(stream, 100) == (0x2, b"data")
    assert first_payload(masked(0xA, b"pong")[:5], 100) is None
