"""`python -m saycan.serve_policy policy=tiny_vla port=8000`: an in-process policy over OpenVLA's REST protocol
(or, with ``protocol=openpi``, openpi's websocket protocol: `saycan.policies.openpi_server`).

``POST /act`` takes a json-numpy body ``{"image": (H, W, 3) uint8, "instruction": str, "unnorm_key": str?}``
(or OpenVLA ``deploy.py``'s double-encoded ``{"encoded": "<that body as a string>"}``) and answers the
7-float action as a json-numpy array. Bad requests get a 4xx with the reason as ``{"error": ...}``; a
failure inside the policy is logged here and answered 500 with a generic message and a request id.
With ``auth_token_env`` set, requests need ``Authorization: Bearer <the variable's value>`` (else 401).
``GET /health`` says which policy is loaded.
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any

import numpy as np
from fastapi import FastAPI, Request  # at module level: FastAPI resolves the handler's annotations here
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from omegaconf import DictConfig

from saycan.cli import Context, command
from saycan.policies.auth import authorized, secret_from_env
from saycan.policies.request_checks import BadRequest, check_observation

log = logging.getLogger("saycan.serve_policy")
MAX_BODY_BYTES = 32 * 2**20
PROTOCOLS = ("rest", "openpi")


def _decode(body: bytes | str) -> Any:
    import json_numpy

    try:
        return json_numpy.loads(body)
    except (ValueError, TypeError, KeyError) as exc:  # bad JSON, bad base64, unknown or object dtype
        raise BadRequest(f"body is not json-numpy encoded JSON: {exc}", 400) from None


def parse_request(body: bytes, unnorm_keys: tuple[str, ...], max_side: int, max_chars: int) -> dict[str, Any]:
    """Decode and check one ``/act`` body; raises `BadRequest` naming the field and what is allowed."""
    payload = _decode(body)
    if isinstance(payload, dict) and "encoded" in payload:  # deploy.py's form for clients that cannot patch json
        if len(payload) != 1 or not isinstance(payload["encoded"], str):
            raise BadRequest("an 'encoded' body must be the only field, holding the json-numpy body as a string", 400)
        payload = _decode(payload["encoded"])
    if not isinstance(payload, dict):
        raise BadRequest(f"body must be a JSON object with image and instruction, got {type(payload).__name__}", 400)
    unknown = sorted(set(payload) - {"image", "instruction", "unnorm_key"})
    if unknown:
        raise BadRequest(f"unknown fields {unknown}; allowed: image, instruction, unnorm_key")
    return check_observation(payload.get("image"), payload.get("instruction"), payload.get("unnorm_key"),
                             unnorm_keys, max_side, max_chars)  # fmt: skip


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit`` bytes.

    The declared Content-Length is checked before anything is read, and the stream is counted as
    it arrives, so an oversized body is never buffered whole.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BadRequest(f"body of {declared} bytes is over the {limit}-byte limit", 413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadRequest(f"body is over the {limit}-byte limit", 413)
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(
    policy: Any,
    name: str = "policy",
    max_image_side: int = 1024,
    max_instruction_chars: int = 512,
    token: str | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    """A FastAPI app serving ``policy`` (anything with ``predict_action`` and ``unnorm_keys``).

    Args:
        token: Requests to ``/act`` must carry ``Authorization: Bearer <token>``; None: no check.
        max_body_bytes: Larger bodies get 413 before they are read whole.
    """
    import json_numpy

    from saycan.errors import ConfigError

    app = FastAPI(title="saycan policy server")
    lock = threading.Lock()  # one model: one forward pass at a time
    keys = tuple(policy.unnorm_keys)

    def predict(request: dict[str, Any]) -> np.ndarray:
        with lock:
            return np.asarray(policy.predict_action(**request), dtype=np.float64)

    @app.post("/act")
    async def act(request: Request) -> Response:
        if not authorized(request.headers.get("authorization"), "Bearer", token):
            headers = {"WWW-Authenticate": "Bearer"}
            return JSONResponse({"error": "missing or wrong bearer token"}, status_code=401, headers=headers)
        try:
            body = await read_body(request, max_body_bytes)
            parsed = parse_request(body, keys, max_image_side, max_instruction_chars)
            action = await run_in_threadpool(predict, parsed)
        except BadRequest as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        except ConfigError as exc:  # e.g. several statistics and no unnorm_key: the client can fix it
            return JSONResponse({"error": str(exc)}, status_code=422)
        except Exception:  # the policy's own failure: details stay in this server's log
            request_id = uuid.uuid4().hex[:12]
            log.exception("policy failed (request %s)", request_id)
            reply = {"error": "the policy failed on this request; see the server log", "request_id": request_id}
            return JSONResponse(reply, status_code=500, headers={"X-Request-ID": request_id})
        return Response(json_numpy.dumps(action), media_type="application/json")

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "policy": name, "unnorm_keys": list(keys)}

    return app


@command("serve_policy")
def main(cfg: DictConfig, ctx: Context) -> None:
    """Load the ``policy`` group's policy and serve it until interrupted (``protocol``: rest | openpi)."""
    from hydra.utils import instantiate

    from saycan.errors import ConfigError

    if cfg.protocol not in PROTOCOLS:
        raise ConfigError(f"protocol={cfg.protocol!r}: choose from {list(PROTOCOLS)}")
    token = secret_from_env("auth_token_env", cfg.auth_token_env)  # before the policy loads
    policy = instantiate(cfg.policy, _convert_="all")
    if token is None and cfg.host not in ("127.0.0.1", "localhost", "::1"):
        ctx.err.print(f"warning: serving on {cfg.host} without a token; set auth_token_env to require one")
    if cfg.protocol == "openpi":
        from saycan.policies.openpi_server import make_server

        server = make_server(policy, cfg.host, int(cfg.port), cfg.policy.id, cfg.openpi.image_key,
                             cfg.max_image_side, cfg.max_instruction_chars, token)  # fmt: skip
        ctx.console.print(f"Serving {cfg.policy.id} on ws://{cfg.host}:{cfg.port} (openpi protocol)", highlight=False)
        with server:
            server.serve_forever()
        return
    import uvicorn

    app = create_app(policy, cfg.policy.id, cfg.max_image_side, cfg.max_instruction_chars, token)
    ctx.console.print(f"Serving {cfg.policy.id} on http://{cfg.host}:{cfg.port}/act", highlight=False)
    uvicorn.run(app, host=cfg.host, port=int(cfg.port), log_level=cfg.log_level, timeout_keep_alive=30)


if __name__ == "__main__":
    main()
