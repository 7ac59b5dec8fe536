"""What one client may cost a policy server: body size, buffered bytes, idle time, connections; refusals counted.

Both servers (`saycan.serve_policy`'s REST app and `saycan.policies.openpi_server`) take one `ServerLimits`
(config ``limits:`` in ``conf/serve_policy.yaml``). Each refusal is one WARNING line without a traceback,
with a running count per kind, so an operator sees an abuse pattern without a log full of stacks.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from saycan.errors import ConfigError, choices_hint

log = logging.getLogger("saycan.serve_policy")
MiB = 2**20


@dataclass(frozen=True)
class ServerLimits:
    """Per-server limits, each with a default safe for a robot or two on a trusted network.

    Attributes:
        max_body_bytes: A REST body or websocket message; larger gets 413 (close 1009) before it is buffered
            whole. A 1024x1024 RGB image json-numpy encoded is 4 MiB.
        max_buffered_bytes: Bytes of requests being received, summed over connections; past it a REST body
            gets 503, a websocket close 1013. Each connection may hold ``max_buffered_bytes / (2 *
            max_connections)`` of its own (an ordinary request is never refused); the rest is shared.
        max_depth: Nesting of JSON arrays/objects or msgpack arrays/maps; deeper gets 400 (close 1008).
        max_elements: Values in one body (array items, map entries, scalars); more gets 400 (close 1008).
            Checked before decoding, so a hostile body costs a small multiple of its size.
        read_timeout: Seconds a connection may send nothing while its request is incomplete (a new REST
            connection counts as one; a websocket frame too); then 408 (close 1008) and it closes.
        idle_timeout: Seconds a REST keep-alive connection may wait for its next request (then it closes),
            and a websocket for its next whole message (then close 1008: a robot waiting on a slow
            planner reconnects; a stalled frame is dropped).
        max_connections: Open connections; one more gets 503 (websocket: close 1013, try again later).
        decode_workers: Threads that decode and check REST bodies, off the event loop.
    """

    max_body_bytes: int = 5 * MiB
    max_buffered_bytes: int = 64 * MiB
    max_depth: int = 32
    max_elements: int = 10_000
    read_timeout: float = 10.0
    idle_timeout: float = 60.0
    max_connections: int = 64
    decode_workers: int = 2

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ConfigError(f"limits.{f.name} must be a positive number, got {value!r}")
        if self.max_buffered_bytes < self.max_body_bytes:
            raise ConfigError(
                f"limits.max_buffered_bytes={self.max_buffered_bytes} is below limits.max_body_bytes="
                f"{self.max_body_bytes}: no body could ever be read; raise it or lower max_body_bytes"
            )

    @classmethod
    def from_config(cls, values: Mapping[str, Any] | None) -> ServerLimits:
        """Limits from a ``limits:`` mapping; unknown keys raise naming the valid ones."""
        values = dict(values or {})
        known = [f.name for f in fields(cls)]
        for key in values:
            if key not in known:
                raise ConfigError(f"unknown key limits.{key}; {choices_hint(key, known)}")
        return cls(**values)


class ByteBudget:
    """Bytes held by requests in flight across up to ``holders`` connections, never more than ``cap``.

    Each connection has ``cap / (2 * holders)`` bytes of its own (a robot's ordinary 224x224 frame never
    waits on others); what it holds beyond that comes from the shared rest, first come first served.
    So clients that stall large uploads can fill the shared part, but never refuse an ordinary request.
    Thread-safe.
    """

    def __init__(self, cap: int, holders: int) -> None:
        self.cap, self.own = int(cap), int(cap) // (2 * int(holders))
        self.shared, self.shared_held = self.cap - self.own * int(holders), 0
        self._lock = threading.Lock()

    def _beyond_own(self, held: int) -> int:
        return max(0, held - self.own)

    def take(self, n: int, held: int) -> bool:
        """Reserve ``n`` more bytes for a connection holding ``held``; False (nothing reserved) when the
        shared part cannot cover what passes the connection's own."""
        need = self._beyond_own(held + n) - self._beyond_own(held)
        with self._lock:
            if self.shared_held + need > self.shared:
                return False
            self.shared_held += need
            return True

    def give_back(self, held: int) -> None:
        """Release everything a connection holding ``held`` bytes had reserved."""
        with self._lock:
            self.shared_held -= self._beyond_own(held)


class Refusals:
    """Counts refusals by kind and logs each as one WARNING line (no traceback)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, kind: str, detail: str) -> None:
        with self._lock:
            self.counts[kind] += 1
            count = self.counts[kind]
        log.warning("refused (%s, %d so far): %s", kind, count, detail)


DEFAULT_LIMITS = ServerLimits()  # frozen: safe as a shared default argument
