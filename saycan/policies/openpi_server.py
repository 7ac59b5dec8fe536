"""A policy served over openpi's websocket protocol, so openpi clients (``WebsocketClientPolicy``) can use it.

On connect the server sends its metadata; then each binary message is an observation dict
(``image_key``: (H, W, 3) uint8, ``prompt``: the skill text, ``unnorm_key`` optional) and each reply is
``{"actions": (horizon, 7) float32, "server_timing": {"infer_ms": ...}}``; a single-action policy's
horizon is 1. A bad observation or a failing policy gets one text frame (the reason, or a generic
message and a request id: details stay in this server's log) and the connection is closed, as
openpi's own server does. ``GET /healthz`` answers 200. With a token, connections need
``Authorization: Api-Key <token>`` (openpi-client's ``api_key``), else 401.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
import uuid
from typing import Any

import numpy as np

from saycan.errors import ConfigError
from saycan.policies.auth import authorized
from saycan.policies.body_structure import check_msgpack
from saycan.policies.limits import DEFAULT_LIMITS, ByteBudget, Refusals, ServerLimits
from saycan.policies.openpi_wire import WireError, packb, unpackb
from saycan.policies.request_checks import BadRequest, check_observation
from saycan.policies.ws_connection import GuardedConnection, guarded_connection

log = logging.getLogger("saycan.serve_policy")
CONTROL_BYTES = 4096  # held bytes below this are control frames (pongs), not a stalled message


def server_tls(certfile: str | None, keyfile: str | None) -> ssl.SSLContext | None:
    """A server TLS context from PEM files (None without a certificate: plain ``ws://``)."""
    if not certfile:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    return context


def make_server(
    policy: Any,
    host: str,
    port: int,
    name: str = "policy",
    image_key: str = "observation/image",
    max_image_side: int = 1024,
    max_instruction_chars: int = 512,
    token: str | None = None,
    limits: ServerLimits = DEFAULT_LIMITS,
    tls: ssl.SSLContext | None = None,
) -> Any:
    """A `websockets.sync.server.Server` serving ``policy`` (call ``serve_forever()``; ``shutdown()`` stops it).

    Under ``limits``: a message over ``max_body_bytes`` closes the connection (1009) before it is buffered
    whole; bytes received and not yet taken as a message count against ``max_buffered_bytes`` across
    connections (past it: close 1013, try again later); a message's structure is checked before it is
    decoded (close 1008); a connection past ``max_connections`` is closed 1013; a frame that stalls for
    ``read_timeout`` seconds, or no message for ``idle_timeout`` seconds, closes it 1008.

    Args:
        policy: Anything with ``predict_action`` and ``unnorm_keys``.
        image_key: Observation key of the image (openpi's LIBERO / DROID clients: ``observation/image``).
        token: Connections must carry ``Authorization: Api-Key <token>``; None: no check.
        tls: Serve ``wss://`` with this context (`server_tls`).
    """
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.server import serve

    lock = threading.Lock()  # one model: one forward pass at a time
    keys = tuple(policy.unnorm_keys)
    metadata = {"policy": name, "protocol": "openpi", "image_key": image_key, "unnorm_keys": list(keys)}
    refusals = Refusals()
    budget = ByteBudget(limits.max_buffered_bytes, limits.max_connections)

    def process_request(connection: GuardedConnection, request: Any) -> Any:
        connection.release()  # the handshake's bytes (a client sends frames only after our 101)
        if request.path == "/healthz":
            return connection.respond(200, "OK\n")
        if not authorized(request.headers.get("Authorization"), "Api-Key", token):
            return connection.respond(401, "missing or wrong API key (Authorization: Api-Key ...)\n")
        return None

    def answer(message: bytes | str) -> bytes:
        if isinstance(message, str):
            raise BadRequest("requests must be binary openpi msgpack, got a text frame")
        check_msgpack(message, limits.max_depth, limits.max_elements)  # before any object is built
        try:
            obs = unpackb(message)
        except WireError as exc:
            raise BadRequest(str(exc)) from None
        if not isinstance(obs, dict):
            raise BadRequest(f"an observation must be a dict, got {type(obs).__name__}")
        request = check_observation(obs.get(image_key), obs.get("prompt"), obs.get("unnorm_key"), keys,
                                    max_image_side, max_instruction_chars, encoding="openpi msgpack",
                                    image_field=image_key, instruction_field="prompt")  # fmt: skip
        start = time.perf_counter()
        with lock:
            action = np.asarray(policy.predict_action(**request), dtype=np.float32)
        timing = {"infer_ms": 1000 * (time.perf_counter() - start)}
        return packb({"actions": np.atleast_2d(action), "server_timing": timing})

    def next_message(ws: GuardedConnection) -> bytes | str | None:
        """The next whole message, its bytes given back to the budget; None once the connection is closed
        (by the client, or here for a frame stalled ``read_timeout`` or no message for ``idle_timeout``)."""
        last_message = time.monotonic()
        while True:
            try:
                message = ws.recv(timeout=min(limits.read_timeout, limits.idle_timeout))
            except TimeoutError:
                now = time.monotonic()
                if ws.held > CONTROL_BYTES and now - ws.last_byte >= limits.read_timeout:
                    refusals("limits.read_timeout", f"a message stalled for {limits.read_timeout:g} s")
                    ws.close(1008, f"message incomplete after {limits.read_timeout:g} s (limits.read_timeout)")
                    return None
                if now - last_message >= limits.idle_timeout:
                    refusals("limits.idle_timeout", f"no whole message for {limits.idle_timeout:g} s")
                    ws.close(1008, f"no message for {limits.idle_timeout:g} s (limits.idle_timeout)")
                    return None
                if ws.held <= CONTROL_BYTES:
                    ws.release()  # pongs to the keepalive pings, not part of a message
                continue
            except ConnectionClosed:
                return None
            ws.release()
            return message

    def serve_one(ws: GuardedConnection) -> None:
        ws.send(packb(metadata))
        while True:
            message = next_message(ws)
            if message is None:
                return
            try:
                reply = answer(message)
            except (BadRequest, ConfigError) as exc:  # the client can fix it: say what was wrong
                if getattr(exc, "limit", None):
                    refusals(exc.limit, str(exc))
                ws.send(f"bad request: {exc}")
                ws.close(1008, "bad request")
                return
            except Exception:  # the policy's own failure: details stay in this server's log
                request_id = uuid.uuid4().hex[:12]
                log.exception("policy failed (request %s)", request_id)
                ws.send(f"the policy failed on this request; see the server log (request id {request_id})")
                ws.close(1011, "internal error")
                return
            ws.send(reply)

    def handler(ws: GuardedConnection) -> None:
        try:
            if len(ws.server.all_connections) > limits.max_connections:  # websockets adds each before its handler
                refusals("limits.max_connections", f"{limits.max_connections} connections already open")
                ws.close(1013, f"server busy: {limits.max_connections} connections open; retry shortly")
                return
            serve_one(ws)
        except ConnectionClosed:  # the client went away mid-reply: its doing, no traceback
            log.info("a client disconnected during its request")
        finally:
            ws.release()

    # max_queue=2: a client's next messages wait in its socket, not here (openpi clients send one at a time)
    return serve(handler, host, int(port), compression=None, max_size=int(limits.max_body_bytes), max_queue=2,
                 process_request=process_request, open_timeout=limits.read_timeout, ssl=tls,
                 create_connection=guarded_connection(limits, budget, refusals))  # fmt: skip
