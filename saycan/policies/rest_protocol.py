"""uvicorn's HTTP/1.1 protocol with a connection cap and a read timeout, for `saycan.serve_policy`'s REST app.

uvicorn closes idle keep-alive connections, but a connection that sends half a request line, half its
headers or half its body and then nothing is held forever, and its ``limit_concurrency`` only answers
503 once a request has arrived. This protocol answers at the socket: a connection past
``max_connections`` gets 503 at once; a request that stops arriving for ``read_timeout`` seconds (its
headers or its body) gets 408 and the connection closes.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from saycan.policies.limits import Refusals, ServerLimits


def raw_response(status: int, reason: str, error: str, extra: str = "") -> bytes:
    """A whole ``Connection: close`` HTTP/1.1 response with a JSON ``{"error": ...}`` body."""
    body = json.dumps({"error": error}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\nconnection: close\r\n{extra}"
        f"content-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def guarded_protocol(limits: ServerLimits, refusals: Refusals) -> type[H11Protocol]:
    """An `H11Protocol` class (uvicorn's ``http=``) enforcing ``limits.max_connections`` and ``read_timeout``."""
    timeout = limits.read_timeout

    class GuardedH11Protocol(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            # One timer per connection, moved on only when it fires: data_received just notes the time.
            self._last_data, self._pending_bytes, self._served = self.loop.time(), 0, 0
            self._read_timer: asyncio.TimerHandle | None = None
            if len(self.connections) > limits.max_connections:
                refusals("limits.max_connections", f"{limits.max_connections} connections already open")
                error = f"server busy: {limits.max_connections} connections open; retry shortly"
                transport.write(raw_response(503, "Service Unavailable", error, "retry-after: 1\r\n"))
                transport.close()
                return
            self._read_timer = self.loop.call_later(timeout, self._check_read)

        def data_received(self, data: bytes) -> None:
            self._last_data = self.loop.time()
            self._pending_bytes += len(data)
            super().data_received(data)

        def on_response_complete(self) -> None:
            self._last_data, self._pending_bytes, self._served = self.loop.time(), 0, self._served + 1
            super().on_response_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            if getattr(self, "_read_timer", None) is not None:
                self._read_timer.cancel()
            super().connection_lost(exc)

        def _check_read(self) -> None:
            quiet = self.loop.time() - self._last_data
            reading_headers = self.conn.their_state is h11.IDLE and self.conn.our_state is h11.IDLE
            reading_body = self.conn.their_state is h11.SEND_BODY and self.conn.our_state is h11.SEND_RESPONSE
            waiting = (reading_headers and not (self._served and not self._pending_bytes)) or reading_body
            if self.transport.is_closing():
                return
            if quiet < timeout or not waiting or self.flow.read_paused:  # data came, or the app holds the turn
                self._read_timer = self.loop.call_later(max(timeout - quiet, 0.05), self._check_read)
                return  # (an idle keep-alive connection is uvicorn's to close, after limits.idle_timeout)
            if self._pending_bytes:  # part of a request arrived, then nothing
                refusals("limits.read_timeout", f"no byte of a started request for {timeout:g} s")
                error = f"request incomplete after {timeout:g} s without data (limits.read_timeout)"
                self.transport.write(raw_response(408, "Request Timeout", error))
            else:
                refusals("limits.read_timeout", f"a new connection sent nothing for {timeout:g} s")
            self.transport.close()  # a body's reader in the app sees the client gone

    return GuardedH11Protocol


def uvicorn_config(app: Any, host: str, port: int, limits: ServerLimits, log_level: str = "info",
                   ssl_certfile: str | None = None, ssl_keyfile: str | None = None) -> Any:  # fmt: skip
    """A `uvicorn.Config` serving ``app`` under ``limits`` (and TLS when a certificate is given)."""
    import uvicorn

    refusals = getattr(app.state, "refusals", None) or Refusals()
    return uvicorn.Config(
        app, host=host, port=int(port), log_level=log_level, http=guarded_protocol(limits, refusals),
        timeout_keep_alive=max(1, round(limits.idle_timeout)), ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile,
    )  # fmt: skip
