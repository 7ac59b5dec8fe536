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
import threading
import time
import uuid
from typing import Any

import numpy as np

from saycan.errors import ConfigError
from saycan.policies.auth import authorized
from saycan.policies.openpi_wire import WireError, packb, unpackb
from saycan.policies.request_checks import BadRequest, check_observation

log = logging.getLogger("saycan.serve_policy")
MAX_MESSAGE_BYTES = 32 * 2**20


def make_server(
    policy: Any,
    host: str,
    port: int,
    name: str = "policy",
    image_key: str = "observation/image",
    max_image_side: int = 1024,
    max_instruction_chars: int = 512,
    token: str | None = None,
    max_message_bytes: int = MAX_MESSAGE_BYTES,
) -> Any:
    """A `websockets.sync.server.Server` serving ``policy`` (call ``serve_forever()``; ``shutdown()`` stops it).

    Args:
        policy: Anything with ``predict_action`` and ``unnorm_keys``.
        image_key: Observation key of the image (openpi's LIBERO / DROID clients: ``observation/image``).
        token: Connections must carry ``Authorization: Api-Key <token>``; None: no check.
        max_message_bytes: Larger messages close the connection before they are buffered whole.
    """
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.server import serve

    lock = threading.Lock()  # one model: one forward pass at a time
    keys = tuple(policy.unnorm_keys)
    metadata = {"policy": name, "protocol": "openpi", "image_key": image_key, "unnorm_keys": list(keys)}

    def process_request(connection: Any, request: Any) -> Any:
        if request.path == "/healthz":
            return connection.respond(200, "OK\n")
        if not authorized(request.headers.get("Authorization"), "Api-Key", token):
            return connection.respond(401, "missing or wrong API key (Authorization: Api-Key ...)\n")
        return None

    def answer(message: bytes | str) -> bytes:
        if isinstance(message, str):
            raise BadRequest("requests must be binary openpi msgpack, got a text frame")
        try:
            obs = unpackb(message)
        except WireError as exc:
            raise BadRequest(str(exc)) from None
        if not isinstance(obs, dict):
            raise BadRequest(f"an observation must be a dict, got {type(obs).__name__}")
        request = check_observation(obs.get(image_key), obs.get("prompt"), obs.get("unnorm_key"), keys,
                                    max_image_side, max_instruction_chars)  # fmt: skip
        start = time.perf_counter()
        with lock:
            action = np.asarray(policy.predict_action(**request), dtype=np.float32)
        timing = {"infer_ms": 1000 * (time.perf_counter() - start)}
        return packb({"actions": np.atleast_2d(action), "server_timing": timing})

    def handler(ws: Any) -> None:
        ws.send(packb(metadata))
        while True:
            try:
                message = ws.recv()
            except ConnectionClosed:
                return
            try:
                reply = answer(message)
            except (BadRequest, ConfigError) as exc:  # the client can fix it: say what was wrong
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

    return serve(handler, host, int(port), compression=None, max_size=int(max_message_bytes),
                 process_request=process_request)  # fmt: skip
