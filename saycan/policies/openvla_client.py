"""`OpenVLAClient`: a policy served over OpenVLA's REST deploy protocol (``POST /act``, json-numpy bodies)."""

from __future__ import annotations

import random
import time

import httpx
import json_numpy
import numpy as np

from saycan.errors import ConfigError
from saycan.policies.auth import secret_from_env, tls_context
from saycan.policies.base import PolicyError, PolicyUnreachable

RETRYABLE_STATUS = (408, 429, 500, 502, 503, 504)


class OpenVLAClient:
    """Asks a policy server for actions, the way OpenVLA's ``deploy.py`` clients do.

    Request: ``{"image": (H, W, 3) uint8, "instruction": str, "unnorm_key": str}`` encoded with
    json-numpy; reply: the action as a json-numpy array. The reference server answers any
    failure with HTTP 200 and the JSON string ``"error"``: that is a failure here, never an action.

    Connection errors, timeouts, 408/429/5xx are retried ``max_retries`` times with exponential
    backoff and jitter (honouring ``Retry-After``); other 4xx replies fail at once with the
    server's reason.

    Args:
        url: Server root, e.g. ``http://127.0.0.1:8000`` (``/act`` is appended).
        connect_timeout: Seconds to open a connection.
        read_timeout: Seconds to wait for an action (a 7B model on a GPU: well under 1 s).
        max_retries: Retries after the first attempt.
        backoff: First retry delay in seconds; doubles each retry, capped at 8 s.
        auth_token_env: Environment variable holding the server's bearer token (`saycan.serve_policy`'s
            ``auth_token_env``); the token is sent as ``Authorization: Bearer ...`` and never logged.
        ca_file: PEM file of the CA (or self-signed certificate) an ``https://`` server's certificate must
            chain to; None: the system's trusted CAs.
    """

    def __init__(
        self,
        url: str,
        connect_timeout: float = 3.0,
        read_timeout: float = 30.0,
        max_retries: int = 3,
        backoff: float = 0.25,
        auth_token_env: str | None = None,
        ca_file: str | None = None,
    ) -> None:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ConfigError(f"executor.url must be an http(s) URL like http://127.0.0.1:8000, got {url!r}")
        if int(max_retries) < 0:
            raise ConfigError(f"executor.max_retries must be >= 0, got {max_retries!r}")
        self.url = url.rstrip("/") + "/act"
        self.max_retries, self.backoff = int(max_retries), float(backoff)
        headers = {"content-type": "application/json"}
        token = secret_from_env("executor.auth_token_env", auth_token_env)
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        verify = tls_context(ca_file, "executor.ca_file") if ca_file else True
        # no transport retries: each retry is counted here
        self.http = httpx.Client(timeout=timeout, headers=headers, verify=verify)

    @property
    def unnorm_keys(self) -> tuple[str, ...]:
        return ()  # the server checks the key and answers 4xx listing its own

    def predict_action(self, image: np.ndarray, instruction: str, unnorm_key: str | None = None) -> np.ndarray:
        """POST one observation; returns (7,) float64. Raises `PolicyError` naming the URL on failure."""
        payload = {"image": np.ascontiguousarray(image, dtype=np.uint8), "instruction": instruction}
        if unnorm_key is not None:
            payload["unnorm_key"] = unnorm_key
        body = json_numpy.dumps(payload)
        last, retry_after = "", None
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(self._delay(attempt, retry_after))
            try:
                reply = self.http.post(self.url, content=body)
            except httpx.TransportError as exc:  # refused, reset, dropped, timed out
                last, retry_after = f"{type(exc).__name__}: {exc}", None
                continue
            if reply.status_code in RETRYABLE_STATUS:
                last, retry_after = f"HTTP {reply.status_code}", reply.headers.get("retry-after")
                continue
            if reply.status_code != 200:
                why = f"HTTP {reply.status_code} {reply.text[:500]}"
                raise PolicyError(f"policy server {self.url} refused the request: {why}")
            return self._action(reply.text)
        raise PolicyUnreachable(f"policy server {self.url} unreachable after {self.max_retries + 1} attempts ({last})")

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds before retry ``attempt``: the server's Retry-After (seconds, capped), else jittered backoff."""
        if retry_after:
            try:
                return min(float(retry_after), 30.0)
            except ValueError:
                pass  # an HTTP-date: fall back to backoff
        return min(self.backoff * 2 ** (attempt - 1), 8.0) * (0.5 + random.random() / 2)

    def _action(self, text: str) -> np.ndarray:
        try:
            value = json_numpy.loads(text)
        except ValueError as exc:
            raise PolicyError(f"policy server {self.url} sent a body that is not json-numpy: {exc}") from None
        if isinstance(value, str):  # the reference server's failure reply: "error"
            raise PolicyError(f"policy server {self.url} answered {value!r} (its policy failed on this observation)")
        try:
            action = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise PolicyError(f"policy server {self.url} sent {str(value)[:80]!r}, not an action") from None
        return action if action.ndim == 2 else action.reshape(-1)  # (K, 7): a chunk, as OpenVLA-OFT serves

    def close(self) -> None:
        self.http.close()
