"""`python -m saycan.serve_policy policy=tiny_vla port=8000`: an in-process policy over OpenVLA's REST protocol.

``POST /act`` takes a json-numpy body ``{"image": (H, W, 3) uint8, "instruction": str, "unnorm_key": str?}``
and answers the 7-float action as a json-numpy array. Bad requests get a 4xx with the reason as
``{"error": ...}``; the server keeps serving. ``GET /health`` says which policy is loaded.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np
from fastapi import FastAPI, Request  # at module level: FastAPI resolves the handler's annotations here
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from omegaconf import DictConfig

from saycan.cli import Context, command

log = logging.getLogger("saycan.serve_policy")
MAX_BODY_BYTES = 32 * 2**20
MIN_SIDE = 16


class BadRequest(ValueError):
    """A request the protocol does not allow; answered with ``status`` and the message."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def parse_request(body: bytes, unnorm_keys: tuple[str, ...], max_side: int, max_chars: int) -> dict[str, Any]:
    """Decode and check one ``/act`` body; raises `BadRequest` naming the field and what is allowed."""
    import json_numpy

    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(f"body of {len(body)} bytes is over the {MAX_BODY_BYTES}-byte limit", 413)
    try:
        payload = json_numpy.loads(body)
    except (ValueError, TypeError, KeyError) as exc:  # bad JSON, bad base64, unknown or object dtype
        raise BadRequest(f"body is not json-numpy encoded JSON: {exc}", 400) from None
    if not isinstance(payload, dict):
        raise BadRequest(f"body must be a JSON object with image and instruction, got {type(payload).__name__}", 400)
    unknown = sorted(set(payload) - {"image", "instruction", "unnorm_key"})
    if unknown:
        raise BadRequest(f"unknown fields {unknown}; allowed: image, instruction, unnorm_key")
    image = payload.get("image")
    if not isinstance(image, np.ndarray):
        raise BadRequest("field 'image' is required: an (H, W, 3) uint8 array encoded with json-numpy")
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise BadRequest(f"field 'image' must be (H, W, 3) uint8, got {image.shape} {image.dtype}")
    if not (MIN_SIDE <= image.shape[0] <= max_side and MIN_SIDE <= image.shape[1] <= max_side):
        raise BadRequest(f"field 'image' sides must be {MIN_SIDE}..{max_side} pixels, got {image.shape[:2]}")
    instruction = payload.get("instruction")
    if not isinstance(instruction, str) or not instruction.strip():
        raise BadRequest("field 'instruction' is required: a non-empty string such as 'pick up the apple'")
    if len(instruction) > max_chars:
        raise BadRequest(f"field 'instruction' has {len(instruction)} characters; the limit is {max_chars}")
    key = payload.get("unnorm_key")
    if key is not None and (not isinstance(key, str) or (unnorm_keys and key not in unnorm_keys)):
        raise BadRequest(f"unknown unnorm_key {key!r}; this policy has {list(unnorm_keys)}")
    return {"image": image, "instruction": instruction, "unnorm_key": key}


def create_app(
    policy: Any, name: str = "policy", max_image_side: int = 1024, max_instruction_chars: int = 512
) -> FastAPI:
    """A FastAPI app serving ``policy`` (anything with ``predict_action`` and ``unnorm_keys``)."""
    import json_numpy

    from saycan.errors import ConfigError
    from saycan.policies.base import PolicyError

    app = FastAPI(title="saycan policy server")
    lock = threading.Lock()  # one model: one forward pass at a time
    keys = tuple(policy.unnorm_keys)

    def predict(request: dict[str, Any]) -> np.ndarray:
        with lock:
            return np.asarray(policy.predict_action(**request), dtype=np.float64)

    @app.post("/act")
    async def act(request: Request) -> Response:
        try:
            parsed = parse_request(await request.body(), keys, max_image_side, max_instruction_chars)
            action = await run_in_threadpool(predict, parsed)
        except BadRequest as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        except ConfigError as exc:  # e.g. several statistics and no unnorm_key
            return JSONResponse({"error": str(exc)}, status_code=422)
        except (PolicyError, RuntimeError, ValueError) as exc:
            log.exception("policy failed")
            return JSONResponse({"error": f"the policy failed: {exc}"}, status_code=500)
        return Response(json_numpy.dumps(action), media_type="application/json")

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "policy": name, "unnorm_keys": list(keys)}

    return app


@command("serve_policy")
def main(cfg: DictConfig, ctx: Context) -> None:
    """Load the ``policy`` group's policy and serve it until interrupted."""
    import uvicorn
    from hydra.utils import instantiate

    policy = instantiate(cfg.policy, _convert_="all")
    app = create_app(policy, cfg.policy.id, cfg.max_image_side, cfg.max_instruction_chars)
    ctx.console.print(f"Serving {cfg.policy.id} on http://{cfg.host}:{cfg.port}/act", highlight=False)
    uvicorn.run(app, host=cfg.host, port=int(cfg.port), log_level=cfg.log_level, timeout_keep_alive=30)


if __name__ == "__main__":
    main()
