"""The openpi server's websocket connection: received bytes count against a shared budget, messages checked early.

websockets caps one message (``max_size``) but not the bytes all connections hold at once: twenty
clients that each send most of a large frame and then nothing hold twenty frames. Here the socket
the connection reads from counts each received byte against a `ByteBudget`; the handler gives a
message's bytes back once it has the message (`release`). A byte that would pass the budget fails
the connection with close code 1013 (try again later) before it is buffered. A message's first
`PREFIX_BYTES` are checked for structure as they arrive (`saycan.policies.ws_prefix`), so a frame of
millions of empty maps closes the connection (1008) before websockets parses it whole. The
connection also knows when it last received a byte, so the handler can drop a frame that stalls.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from websockets.sync.server import ServerConnection

from saycan.policies.body_structure import PREFIX_BYTES, check_msgpack
from saycan.policies.limits import ByteBudget, Refusals, ServerLimits
from saycan.policies.request_checks import BadRequest
from saycan.policies.ws_prefix import first_payload

BINARY = 0x2  # websocket opcode of a binary frame: openpi's messages
START_BYTES = PREFIX_BYTES + 14  # raw bytes holding them: a client frame's header is at most 14 bytes


class _CountingSocket:
    """A socket whose ``recv`` reports each chunk to its connection first (all else is the socket's own)."""

    def __init__(self, sock: Any, connection: GuardedConnection) -> None:
        self._sock, self._connection = sock, connection

    def recv(self, size: int) -> bytes:
        data = self._sock.recv(size)
        return data if not data or self._connection.received(data) else b""  # b"": as if the peer hung up

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def guarded_connection(limits: ServerLimits, budget: ByteBudget, refusals: Refusals) -> type[ServerConnection]:
    """A `ServerConnection` class (``serve(create_connection=...)``) under ``limits``, drawing on ``budget``."""

    class Guarded(GuardedConnection):
        pass

    Guarded.limits, Guarded.budget, Guarded.refusals = limits, budget, refusals
    return Guarded


class GuardedConnection(ServerConnection):
    """Set ``limits``, ``budget`` and ``refusals`` on a subclass (`guarded_connection`)."""

    limits: ServerLimits
    budget: ByteBudget
    refusals: Refusals

    def __init__(self, sock: Any, *args: Any, **kwargs: Any) -> None:
        self.held, self.last_byte = 0, time.monotonic()  # bytes received and not yet given back
        self._start, self._checked = bytearray(), False  # the next message's first raw bytes; checked yet
        self._held_lock = threading.Lock()
        super().__init__(_CountingSocket(sock, self), *args, **kwargs)

    def received(self, data: bytes) -> bool:
        """Count and check received bytes; False when the connection was failed for a limit."""
        self.last_byte = time.monotonic()
        with self._held_lock:
            if not self.budget.take(len(data), self.held):
                self.refusals("limits.max_buffered_bytes", f"messages in flight hold {self.budget.cap} bytes")
                return self._fail(1013, "server busy: messages in flight hold limits.max_buffered_bytes; retry")
            self.held += len(data)
        return self._checked or self._check_start(data)

    def _check_start(self, data: bytes) -> bool:
        self._start += data[: START_BYTES - len(self._start)]
        if len(self._start) < START_BYTES:
            return True  # not enough yet (once, not per chunk); a shorter message is checked whole by the handler
        self._checked = True
        found = first_payload(self._start, PREFIX_BYTES)
        if found is not None and found[0] == BINARY:
            try:
                check_msgpack(found[1], self.limits.max_depth, self.limits.max_elements, whole=False)
            except BadRequest as exc:
                self.refusals(exc.limit or "openpi msgpack", str(exc))
                return self._fail(1008, str(exc)[:120])
        return True

    def _fail(self, code: int, reason: str) -> bool:
        with self.protocol_mutex:
            self.protocol.fail(code, reason)
            self.send_data()
        return False

    def release(self) -> None:
        """Give back what this connection holds: its last message was taken (or it is closing)."""
        with self._held_lock:
            self.budget.give_back(self.held)
            self.held = 0
            self._start, self._checked = bytearray(), False
