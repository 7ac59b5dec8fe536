"""Depth and element counts of a JSON or msgpack body, checked before it is decoded (raises `BadRequest`).

A decoder builds a Python object per value: 5 MiB of ``[[],[],...]`` or of msgpack empty maps becomes
hundreds of MiB of lists and dicts, and deep nesting ends in a RecursionError. These scans build
nothing: they walk the body's structure, skipping string and binary payloads whole, and stop at the
first value past a limit, so a hostile body costs at most ``max_elements`` steps. Good requests hold a
few dozen values (arrays travel as base64 strings or msgpack binaries), far under the limits.
"""

from __future__ import annotations

import re
import struct
from json.decoder import scanstring

from saycan.policies.request_checks import BadRequest

DEPTH, ELEMENTS = "limits.max_depth", "limits.max_elements"  # the refusals' names in the server log
# The start of a body or message that both servers check as it arrives (microseconds on the event loop or
# the socket's thread), so most hostile requests are refused before the rest is read.
PREFIX_BYTES = 64 * 2**10
_JSON_TOKEN = re.compile(r'[\[\]{},"]')  # structural characters and the quotes that open strings


def check_json(body: bytes | str, max_depth: int, max_elements: int) -> str:
    """Refuse a JSON body nested deeper than ``max_depth`` or holding more than ``max_elements`` values.

    Counts containers and separators outside strings (a string is skipped to its closing quote at C
    speed: a base64 image is one long string); a malformed body is left for the decoder to refuse.

    Returns:
        The body as text, for the decoder.
    """
    try:
        data = body.decode() if isinstance(body, bytes) else body
    except UnicodeDecodeError as exc:
        if exc.end < len(body):  # not just a character cut at the end of a prefix
            raise BadRequest(f"body is not UTF-8 encoded JSON: {exc}", 400) from None
        data = body[: exc.start].decode()
    depth, elements, pos = 0, 1, 0
    while match := _JSON_TOKEN.search(data, pos):
        token, pos = match.group(), match.end()
        if token == '"':
            pos = _string_end(data, pos)
        elif token in ("[", "{"):
            depth += 1
            elements += 1
            if depth > max_depth:
                raise BadRequest(f"body is nested deeper than the limit of {max_depth} arrays/objects", 400, DEPTH)
        elif token in ("]", "}"):
            depth -= 1
        else:
            elements += 1
        if elements > max_elements:
            raise BadRequest(f"body holds more than the limit of {max_elements} values", 400, ELEMENTS)
    return data


def _string_end(text: str, start: int) -> int:
    """The index after the quote that closes the string opened just before ``start`` (the end if none)."""
    end = text.find('"', start)
    if end != -1 and text.find("\\", start, end) == -1:  # no escapes (a base64 image): memchr speed
        return end + 1
    try:
        return scanstring(text, start, False)[1]  # the json module's own C string scanner
    except ValueError:  # unterminated: the decoder refuses the body
        return len(text)


# msgpack type byte -> (bytes of its length field, fixed payload bytes) for scalars and sized payloads.
_SIZED = {
    0xC4: (1, 0), 0xC5: (2, 0), 0xC6: (4, 0),  # bin 8/16/32
    0xC7: (1, 1), 0xC8: (2, 1), 0xC9: (4, 1),  # ext 8/16/32 (+ type byte)
    0xD9: (1, 0), 0xDA: (2, 0), 0xDB: (4, 0),  # str 8/16/32
    0xCA: (0, 4), 0xCB: (0, 8),  # float 32/64
    0xCC: (0, 1), 0xCD: (0, 2), 0xCE: (0, 4), 0xCF: (0, 8),  # uint 8..64
    0xD0: (0, 1), 0xD1: (0, 2), 0xD2: (0, 4), 0xD3: (0, 8),  # int 8..64
    0xD4: (0, 2), 0xD5: (0, 3), 0xD6: (0, 5), 0xD7: (0, 9), 0xD8: (0, 17),  # fixext 1..16 (+ type byte)
}  # fmt: skip
_CONTAINERS = {0xDC: (2, 1), 0xDD: (4, 1), 0xDE: (2, 2), 0xDF: (4, 2)}  # array/map 16/32: (length bytes, items each)
_LENGTH = {1: struct.Struct(">B"), 2: struct.Struct(">H"), 4: struct.Struct(">I")}


def check_msgpack(data: bytes, max_depth: int, max_elements: int, whole: bool = True) -> None:
    """Refuse a msgpack message nested deeper than ``max_depth`` or holding more than ``max_elements`` values
    (a map entry is two: key and value), or that ends inside a value.

    Args:
        whole: False: ``data`` is the start of a message (its end is no error, its counts never exceed
            the whole message's).
    """
    remaining, pos, elements, end = [1], 0, 0, len(data)
    while remaining:
        if remaining[-1] == 0:
            remaining.pop()
            continue
        remaining[-1] -= 1
        elements += 1
        if elements > max_elements:
            raise BadRequest(f"message holds more than the limit of {max_elements} values", limit=ELEMENTS)
        if pos >= end:
            if not whole:
                return
            raise BadRequest("message ends inside a value: not an openpi msgpack message")
        kind = data[pos]
        pos += 1
        items = 0
        if 0x80 <= kind <= 0x8F:
            items = 2 * (kind & 0x0F)
        elif 0x90 <= kind <= 0x9F:
            items = kind & 0x0F
        elif 0xA0 <= kind <= 0xBF:
            pos += kind & 0x1F
        elif kind in _CONTAINERS:
            width, per = _CONTAINERS[kind]
            items = per * _LENGTH[width].unpack_from(data, pos)[0] if pos + width <= end else 0
            pos += width
        elif kind in _SIZED:
            width, fixed = _SIZED[kind]
            size = _LENGTH[width].unpack_from(data, pos)[0] if width and pos + width <= end else 0
            pos += width + fixed + size
        elif kind == 0xC1:
            raise BadRequest("message holds the unused msgpack type byte 0xc1: not an openpi msgpack message")
        # else: fixint, nil, bool: the type byte is the value
        if 0x80 <= kind <= 0x9F or kind in _CONTAINERS:
            if len(remaining) > max_depth:
                raise BadRequest(f"message is nested deeper than the limit of {max_depth} arrays/maps", limit=DEPTH)
            remaining.append(items)
    if pos > end and whole:
        raise BadRequest("message ends inside a value: not an openpi msgpack message")
