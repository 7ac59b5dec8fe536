"""`OpenPIPolicy`: a policy served over openpi's websocket protocol (pi0 / pi0.5, ``serve_policy protocol=openpi``)."""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from websockets.exceptions import InvalidStatus, WebSocketException
from websockets.sync.client import connect

from saycan.errors import ConfigError
from saycan.policies.auth import secret_from_env, tls_context
from saycan.policies.base import PolicyError, PolicyUnreachable
from saycan.policies.openpi_wire import WireError, packb, unpackb
from saycan.vla.image import resize


class OpenPIPolicy:
    """Asks an openpi server for action chunks, the way ``openpi_client.WebsocketClientPolicy`` does.

    On connect the server sends its metadata; each request is a dict of observation arrays and a
    ``prompt``; each reply holds ``actions`` of shape (horizon, dim). A text frame is the server's
    error. This policy maps a reply to saycan's (horizon, 7) ``[dx, dy, dz, droll, dpitch, dyaw,
    gripper]`` chunk by ``action_dims``; `saycan.executors.policy_executor.PolicyExecutor` runs
    ``chunk_steps`` of them before asking again (the gripper convention is the executor's).

    Connection failures and timeouts are retried ``max_retries`` times on a new connection, with
    exponential backoff and jitter; a reply of the wrong shape or with non-finite values fails at once.

    Args:
        url: ``ws://HOST:PORT`` (or ``wss://``).
        image_key: Observation key of the camera image.
        image_size: Side the (square) image is resized to before sending; None: as captured (224).
        prompt_key: Observation key of the instruction.
        action_dims: The 7 reply dimensions that are saycan's action, in order (end-effector
            deltas xyz, rpy, then the gripper).
        extra: Constant observation entries some servers require (e.g. a state vector), sent as given.
        connect_timeout: Seconds to open the connection and receive the metadata.
        read_timeout: Seconds to wait for a chunk.
        max_retries: Retries after the first attempt.
        backoff: First retry delay in seconds; doubles each retry, capped at 8 s.
        api_key_env: Environment variable holding the server's API key, sent as ``Authorization: Api-Key ...``.
        max_message_bytes: Replies larger than this are refused before they are buffered whole.
        ca_file: PEM file of the CA (or self-signed certificate) a ``wss://`` server's certificate must chain
            to; None: the system's trusted CAs.
    """

    def __init__(
        self,
        url: str,
        image_key: str = "observation/image",
        image_size: int | None = None,
        prompt_key: str = "prompt",
        action_dims: Sequence[int] = (0, 1, 2, 3, 4, 5, 6),
        extra: Mapping[str, Any] | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        max_retries: int = 3,
        backoff: float = 0.25,
        api_key_env: str | None = None,
        max_message_bytes: int = 32 * 2**20,
        ca_file: str | None = None,
    ) -> None:
        if not isinstance(url, str) or not url.startswith(("ws://", "wss://")):
            raise ConfigError(f"executor.url must be a websocket URL like ws://127.0.0.1:8000, got {url!r}")
        if len(action_dims) != 7 or len(set(action_dims)) != 7 or min(action_dims) < 0:
            raise ConfigError(f"executor.action_dims must be 7 different reply indices, got {list(action_dims)}")
        if int(max_retries) < 0:
            raise ConfigError(f"executor.max_retries must be >= 0, got {max_retries!r}")
        self.url, self.image_key, self.prompt_key = url, image_key, prompt_key
        self.image_size = int(image_size) if image_size else None
        self.action_dims, self.extra = list(action_dims), dict(extra or {})
        self.connect_timeout, self.read_timeout = float(connect_timeout), float(read_timeout)
        self.max_retries, self.backoff, self.max_bytes = int(max_retries), float(backoff), int(max_message_bytes)
        key = secret_from_env("executor.api_key_env", api_key_env)
        self.headers = {"Authorization": f"Api-Key {key}"} if key is not None else None
        self.tls = tls_context(ca_file, "executor.ca_file") if ca_file else None
        self.ws: Any = None
        self.metadata: dict[str, Any] = {}

    @property
    def unnorm_keys(self) -> tuple[str, ...]:
        return ()  # the server un-normalises (openpi's with their own statistics; saycan's checks unnorm_key)

    def _connect(self) -> None:
        connection = connect(self.url, open_timeout=self.connect_timeout, close_timeout=1.0, compression=None,
                             max_size=self.max_bytes, additional_headers=self.headers, ssl=self.tls)  # fmt: skip
        self.ws = connection.__enter__()  # held open across requests; `close` ends it
        metadata = unpackb(self.ws.recv(timeout=self.connect_timeout))
        self.metadata = metadata if isinstance(metadata, dict) else {}

    def infer(self, obs: dict[str, Any]) -> dict[str, Any]:
        """One request and its reply, as ``WebsocketClientPolicy.infer``; raises `PolicyError` naming the URL."""
        data, last = packb(obs), ""
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(min(self.backoff * 2 ** (attempt - 1), 8.0) * (0.5 + random.random() / 2))
            try:
                if self.ws is None:
                    self._connect()
                self.ws.send(data)
                reply = self.ws.recv(timeout=self.read_timeout)
            except InvalidStatus as exc:  # e.g. 401: retrying will not help
                self.close()
                raise PolicyError(f"openpi server {self.url} refused the connection: {exc}") from None
            except (OSError, TimeoutError, WebSocketException, WireError) as exc:  # refused, dropped, timed out
                last = f"{type(exc).__name__}: {exc}"
                self.close()
                continue
            if isinstance(reply, str):  # the protocol's error frame; the server closes after it
                self.close()
                raise PolicyError(f"openpi server {self.url} failed on this observation: {reply[:500]}")
            try:
                value = unpackb(reply)
            except WireError as exc:
                raise PolicyError(f"openpi server {self.url} sent a malformed reply: {exc}") from None
            if not isinstance(value, dict):
                raise PolicyError(f"openpi server {self.url} replied {type(value).__name__}, not a dict with 'actions'")
            return value
        raise PolicyUnreachable(f"openpi server {self.url} unreachable after {self.max_retries + 1} attempts ({last})")

    def predict_action(self, image: np.ndarray, instruction: str, unnorm_key: str | None = None) -> np.ndarray:
        """(H, W, 3) uint8 image + instruction -> (horizon, 7) chunk of saycan actions (unchecked gripper scale)."""
        frame = resize(image, self.image_size) if self.image_size else image
        obs = {**self.extra, self.image_key: np.ascontiguousarray(frame, dtype=np.uint8), self.prompt_key: instruction}
        if unnorm_key is not None:  # executor.unnorm_key, for servers holding several statistics (saycan's)
            obs["unnorm_key"] = unnorm_key
        reply = self.infer(obs)
        actions = reply.get("actions")
        if not isinstance(actions, np.ndarray) or actions.ndim not in (1, 2):
            got = getattr(actions, "shape", type(actions).__name__)
            raise PolicyError(f"openpi server {self.url}: 'actions' must be a (horizon, dim) array, got {got}")
        chunk = np.atleast_2d(actions).astype(np.float64)
        if chunk.shape[1] <= max(self.action_dims):
            raise PolicyError(
                f"openpi server {self.url}: actions have {chunk.shape[1]} dims; executor.action_dims needs "
                f"{max(self.action_dims) + 1}"
            )
        chunk = chunk[:, self.action_dims]
        if not np.all(np.isfinite(chunk)):
            raise PolicyError(f"openpi server {self.url} sent non-finite actions")
        return chunk

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None
