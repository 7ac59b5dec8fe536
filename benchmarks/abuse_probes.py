"""The hostile clients `serve_abuse.py` runs against a policy server: each holds or repeats its abuse until stopped.

A probe is ``probe(host, port, stop, max_body)``: it runs in a thread until the ``stop`` event is set and
returns how many attempts it made. Bodies are sized to the server's ``limits.max_body_bytes`` (the
worst a client may send) or far past it; stalled connections send all but the last bytes, then nothing.
A repeating probe is one hostile client opening a connection per attempt, at most `RATE` a second:
a flood of connections or bandwidth is for the network in front of the server (rate limits) to stop.
"""

from __future__ import annotations

import base64
import os
import socket
import struct
import threading
import time
from collections.abc import Callable

import httpx

Probe = Callable[[str, int, threading.Event, int], int]
MiB = 2**20
RATE = 50  # attempts per second of a repeating probe, at most


def _repeat(send: Callable[[], None], stop: threading.Event, workers: int = 1) -> int:
    """``send()`` from ``workers`` threads until ``stop``; returns the attempts (any outcome counts)."""
    counts = [0] * workers

    def loop(i: int) -> None:
        while not stop.is_set():
            start = time.monotonic()
            try:
                send()
            except (OSError, httpx.HTTPError):
                pass  # a refused or closed connection is the server defending itself
            counts[i] += 1
            stop.wait(max(0.0, workers / RATE - (time.monotonic() - start)))

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts)


def _hold(sockets: list[socket.socket], stop: threading.Event) -> int:
    stop.wait()
    for s in sockets:
        s.close()
    return len(sockets)


def _open(host: str, port: int, data: bytes = b"") -> socket.socket | None:
    try:
        s = socket.create_connection((host, port), timeout=5)
        s.sendall(data)
        return s
    except OSError:
        return None


# --- REST ---------------------------------------------------------------------------------------------


def _post(host: str, port: int, body: bytes) -> None:
    httpx.post(f"http://{host}:{port}/act", content=body, timeout=30)


def rest_wide_json(host: str, port: int, stop: threading.Event, max_body: int) -> int:
    """Bodies of ``[[],[],...]`` as large as allowed: millions of lists once decoded."""
    body = b"[" + b"[]," * ((max_body - 4) // 3) + b"[]]"
    return _repeat(lambda: _post(host, port, body), stop)


def rest_deep_json(host: str, port: int, stop: threading.Event, max_body: int) -> int:
    """Bodies nested 100,000 deep: a RecursionError in a decoder that recurses."""
    body = b"[" * 100_000 + b"]" * 100_000
    return _repeat(lambda: _post(host, port, body), stop)


def rest_oversize(host: str, port: int, stop: threading.Event, max_body: int) -> int:
    """32 MiB bodies, declared in Content-Length."""
    head = b"POST /act HTTP/1.1\r\nhost: x\r\ncontent-length: %d\r\n\r\n" % (32 * MiB)

    def send() -> None:
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(head + b"x" * MiB)
            s.recv(4096)

    return _repeat(send, stop)


def rest_stalled_uploads(host: str, port: int, stop: threading.Event, max_body: int) -> int:
    """20 connections that send a body of the largest allowed size but its last byte, then nothing."""
    head = b"POST /act HTTP/1.1\r\nhost: x\r\ncontent-length: %d\r\n\r\n" % max_body
    return _hold([s for _ in range(20) if (s := _open(host, port, head + b"x" * (max_body - 1)))], stop)


def rest_stalled_headers(host: str, port: int, stop: threading.Event, max_body: int) -> int:
    """200 connections that send half a request line and headers, then nothing (slowloris)."""
    return _hold([s for _ in range(200) if (s := _open(host, port, b"POST /act HTTP/1.1\r\nhost: x\r\ncont"))], stop)


def rest_disconnects(host: str, port: int, stop: threading.Event, max_body: int) -> int:
    """Clients that send half a body and hang up."""
    head = b"POST /act HTTP/1.1\r\nhost: x\r\ncontent-length: 200000\r\n\r\n"

    def send() -> None:
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(head + b"x" * 100_000)

    return _repeat(send, stop)


# --- websocket (openpi) --------------------------------------------------------------------------------


def ws_open(host: str, port: int) -> socket.socket | None:
    """A raw socket past the websocket handshake (and the server's metadata frame, left unread)."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()
    s = _open(host, port, request)
    if s is None:
        return None
    try:
        reply = s.recv(4096)
    except OSError:
        s.close()
        return None
    if not reply.startswith(b"HTTP/1.1 101"):
        s.close()
        return None
    return s


def frame_head(size: int) -> bytes:
    """A client's binary frame header for ``size`` payload bytes, masked with a zero key (payload as is)."""
    return b"\x82\xff" + struct.pack(">Q", size) + b"\x00\x00\x00\x00"


def until_closed(s: socket.socket) -> bytes:
    """What the server sends until its close frame (or until it drops the connection)."""
    data = b""
    while chunk := s.recv(65536):
        data += chunk
        if b"\x88" in chunk:  # a close frame's first byte: the server is done; do not wait for its timeout
            break
    return data


def _ws_send(host: str, port: int, payload: bytes) -> None:
    s = ws_open(host, port)
    if s is None:
        return
    with s:
        s.sendall(frame_head(len(payload)) + payload)
        until_closed(s)


def ws_empty_maps(host: str, port: int, stop: threading.Event, max_body: int) -> int:
    """Messages of msgpack empty maps as large as allowed (~68x their size once decoded, unchecked)."""
    payload = b"\xdd" + struct.pack(">I", max_body - 5) + b"\x80" * (max_body - 5)
    return _repeat(lambda: _ws_send(host, port, payload), stop)


def ws_deep_msgpack(host: str, port: int, stop: threading.Event, max_body: int) -> int:
    """Messages of 100,000 nested one-element arrays."""
    return _repeat(lambda: _ws_send(host, port, b"\x91" * 100_000 + b"\xc0"), stop)


def ws_oversize(host: str, port: int, stop: threading.Event, max_body: int) -> int:
    """Frames declaring 32 MiB."""

    def send() -> None:
        s = ws_open(host, port)
        if s is not None:
            with s:
                s.sendall(frame_head(32 * MiB) + b"\x00" * MiB)
                until_closed(s)

    return _repeat(send, stop)


def ws_stalled_frames(host: str, port: int, stop: threading.Event, max_body: int) -> int:
    """20 connections that send a frame of the largest allowed size but its last byte, then nothing."""
    sockets = []
    for _ in range(20):
        s = ws_open(host, port)
        if s is not None:
            try:
                s.sendall(frame_head(max_body) + b"\x00" * (max_body - 1))
                sockets.append(s)
            except OSError:
                s.close()
    return _hold(sockets, stop)


def ws_many_connections(host: str, port: int, stop: threading.Event, max_body: int) -> int:
    """200 websocket connections opened and held."""
    return _hold([s for _ in range(200) if (s := ws_open(host, port))], stop)


REST_PROBES: dict[str, Probe] = {
    "wide json": rest_wide_json,
    "deep json": rest_deep_json,
    "32 MiB body": rest_oversize,
    "20 stalled uploads": rest_stalled_uploads,
    "200 stalled headers": rest_stalled_headers,
    "disconnects mid-body": rest_disconnects,
}
WS_PROBES: dict[str, Probe] = {
    "empty maps": ws_empty_maps,
    "deep msgpack": ws_deep_msgpack,
    "32 MiB frame": ws_oversize,
    "20 stalled frames": ws_stalled_frames,
    "200 connections": ws_many_connections,
}
