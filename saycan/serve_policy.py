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

import asyncio
import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

import numpy as np
from fastapi import FastAPI, Request  # at module level: FastAPI resolves the handler's annotations here
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from omegaconf import DictConfig
from starlette.requests import ClientDisconnect

from saycan.cli import Context, command
from saycan.policies.auth import authorized, secret_from_env
from saycan.policies.body_structure import PREFIX_BYTES, check_json
from saycan.policies.limits import DEFAULT_LIMITS, ByteBudget, Refusals, ServerLimits
from saycan.policies.request_checks import BadRequest, check_observation

log = logging.getLogger("saycan.serve_policy")
PROTOCOLS = ("rest", "openpi")
BODY = "limits.max_body_bytes"
# Headers a refusal carries: a timed-out or over-limit request's connection is not reused.
REFUSAL_HEADERS = {400: {"connection": "close"}, 408: {"connection": "close"}, 413: {"connection": "close"},
                   503: {"retry-after": "1"}}  # fmt: skip


def _decode(body: bytes | str, limits: ServerLimits) -> Any:
    import json_numpy

    text = check_json(body, limits.max_depth, limits.max_elements)  # before any object is built
    try:
        return json_numpy.loads(text)
    except (ValueError, TypeError, KeyError) as exc:  # bad JSON, bad base64, unknown or object dtype
        raise BadRequest(f"body is not json-numpy encoded JSON: {exc}", 400) from None


def parse_request(
    body: bytes, unnorm_keys: tuple[str, ...], max_side: int, max_chars: int, limits: ServerLimits = DEFAULT_LIMITS
) -> dict[str, Any]:
    """Decode and check one ``/act`` body; raises `BadRequest` naming the field and what is allowed."""
    payload = _decode(body, limits)
    if isinstance(payload, dict) and "encoded" in payload:  # deploy.py's form for clients that cannot patch json
        if len(payload) != 1 or not isinstance(payload["encoded"], str):
            raise BadRequest("an 'encoded' body must be the only field, holding the json-numpy body as a string", 400)
        payload = _decode(payload["encoded"], limits)
    if not isinstance(payload, dict):
        raise BadRequest(f"body must be a JSON object with image and instruction, got {type(payload).__name__}", 400)
    unknown = sorted(set(payload) - {"image", "instruction", "unnorm_key"})
    if unknown:
        raise BadRequest(f"unknown fields {unknown}; allowed: image, instruction, unnorm_key")
    return check_observation(payload.get("image"), payload.get("instruction"), payload.get("unnorm_key"),
                             unnorm_keys, max_side, max_chars, encoding="json-numpy")  # fmt: skip


async def read_body(request: Request, limits: ServerLimits, budget: ByteBudget) -> bytes:
    """The request body, refused as soon as it is known to break a limit.

    The declared Content-Length is checked before anything is read (413); the stream is counted as it
    arrives (413 past ``max_body_bytes``); every chunk is reserved from ``budget``, the bytes all bodies
    in flight hold (503 when full); the first ``PREFIX_BYTES`` are checked for structure (400), so a
    body of a million empty lists is refused before the rest of it is read (a prefix's counts never
    exceed the whole body's: a string cut at its end is skipped to the end). On success the caller gives
    the body back to ``budget`` (``give_back(len(body))``) when done with it; on a refusal it is given
    back here. A body that stops arriving is the protocol's to time out (`saycan.policies.rest_protocol`).
    """
    limit = limits.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BadRequest(f"body of {declared} bytes is over the {limit}-byte limit (limits.max_body_bytes)", 413, BODY)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            if size + len(chunk) > limit:
                raise BadRequest(f"body is over the {limit}-byte limit (limits.max_body_bytes)", 413, BODY)
            if not budget.take(len(chunk), size):
                why = "server busy: bodies in flight hold limits.max_buffered_bytes; retry"
                raise BadRequest(why, 503, "limits.max_buffered_bytes")
            if size < PREFIX_BYTES <= size + len(chunk):  # most hostile bodies show it in their first bytes
                check_json(b"".join([*chunks, chunk])[:PREFIX_BYTES], limits.max_depth, limits.max_elements)
            size += len(chunk)
            chunks.append(chunk)
    except BaseException:
        budget.give_back(size)
        raise
    return b"".join(chunks)


def create_app(
    policy: Any,
    name: str = "policy",
    max_image_side: int = 1024,
    max_instruction_chars: int = 512,
    token: str | None = None,
    limits: ServerLimits = DEFAULT_LIMITS,
) -> FastAPI:
    """A FastAPI app serving ``policy`` (anything with ``predict_action`` and ``unnorm_keys``).

    Bodies are read under ``limits`` and decoded by ``limits.decode_workers`` threads, so a large or
    hostile body never holds the event loop (``/health`` and other clients keep being answered). Serve
    it with `saycan.policies.rest_protocol.uvicorn_config` for the connection cap and header timeout.

    Args:
        token: Requests to ``/act`` must carry ``Authorization: Bearer <token>``; None: no check.
        limits: What one request and all of them together may hold (`ServerLimits`).
    """
    import json_numpy

    from saycan.errors import ConfigError

    decoders = ThreadPoolExecutor(limits.decode_workers, thread_name_prefix="saycan-decode")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        decoders.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(title="saycan policy server", lifespan=lifespan)
    app.state.refusals = refusals = Refusals()
    budget = ByteBudget(limits.max_buffered_bytes, limits.max_connections)
    lock = threading.Lock()  # one model: one forward pass at a time
    keys = tuple(policy.unnorm_keys)

    def predict(request: dict[str, Any]) -> np.ndarray:
        with lock:
            return np.asarray(policy.predict_action(**request), dtype=np.float64)

    async def parse(request: Request) -> dict[str, Any]:
        body = await read_body(request, limits, budget)
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(decoders, parse_request, body, keys, max_image_side,
                                              max_instruction_chars, limits)  # fmt: skip
        finally:
            budget.give_back(len(body))

    @app.post("/act")
    async def act(request: Request) -> Response:
        if not authorized(request.headers.get("authorization"), "Bearer", token):
            headers = {"WWW-Authenticate": "Bearer"}
            return JSONResponse({"error": "missing or wrong bearer token"}, status_code=401, headers=headers)
        try:
            parsed = await parse(request)
            action = await run_in_threadpool(predict, parsed)
        except BadRequest as exc:
            if exc.limit:
                refusals(exc.limit, str(exc))
            headers = REFUSAL_HEADERS.get(exc.status) if exc.limit else None  # its body is not read to the end
            return JSONResponse({"error": str(exc)}, status_code=exc.status, headers=headers)
        except ConfigError as exc:  # e.g. several statistics and no unnorm_key: the client can fix it
            return JSONResponse({"error": str(exc)}, status_code=422)
        except ClientDisconnect:  # the client's doing, not the policy's: one line, no traceback
            log.info("a client disconnected before its request was read")
            return Response(status_code=400)
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
    from omegaconf import OmegaConf

    from saycan.errors import ConfigError

    if cfg.protocol not in PROTOCOLS:
        raise ConfigError(f"protocol={cfg.protocol!r}: choose from {list(PROTOCOLS)}")
    limits = ServerLimits.from_config(OmegaConf.to_container(cfg.limits))
    certfile, keyfile = tls_files(cfg.ssl_certfile, cfg.ssl_keyfile)
    token = secret_from_env("auth_token_env", cfg.auth_token_env)  # before the policy loads
    policy = instantiate(cfg.policy, _convert_="all")
    if token is None and cfg.host not in ("127.0.0.1", "localhost", "::1"):
        ctx.err.print(f"warning: serving on {cfg.host} without a token; set auth_token_env to require one")
    secure = certfile is not None
    if cfg.protocol == "openpi":
        from saycan.policies.openpi_server import make_server, server_tls

        server = make_server(policy, cfg.host, int(cfg.port), cfg.policy.id, cfg.openpi.image_key,
                             cfg.max_image_side, cfg.max_instruction_chars, token, limits,
                             server_tls(certfile, keyfile))  # fmt: skip
        scheme = "wss" if secure else "ws"
        ctx.console.print(f"Serving {cfg.policy.id} on {scheme}://{cfg.host}:{cfg.port} (openpi protocol)",
                          highlight=False)  # fmt: skip
        with server:
            server.serve_forever()
        return
    import uvicorn

    from saycan.policies.rest_protocol import uvicorn_config

    app = create_app(policy, cfg.policy.id, cfg.max_image_side, cfg.max_instruction_chars, token, limits)
    scheme = "https" if secure else "http"
    ctx.console.print(f"Serving {cfg.policy.id} on {scheme}://{cfg.host}:{cfg.port}/act", highlight=False)
    uvicorn.Server(uvicorn_config(app, cfg.host, cfg.port, limits, cfg.log_level, certfile, keyfile)).run()


def tls_files(certfile: str | None, keyfile: str | None) -> tuple[str | None, str | None]:
    """``ssl_certfile``/``ssl_keyfile`` checked before anything loads: both or neither, each a readable file."""
    from pathlib import Path

    from saycan.errors import ConfigError

    if bool(certfile) != bool(keyfile):
        given, missing = ("ssl_certfile", "ssl_keyfile") if certfile else ("ssl_keyfile", "ssl_certfile")
        raise ConfigError(f"{given} is set but {missing} is not: TLS needs both (PEM files)")
    for key, value in (("ssl_certfile", certfile), ("ssl_keyfile", keyfile)):
        if value and not Path(value).is_file():
            raise ConfigError(f"{key}={value!r}: no such file (a PEM file, e.g. from your CA or openssl req -x509)")
    return (certfile or None), (keyfile or None)


if __name__ == "__main__":
    main()
