"""Credentials of policy servers and their clients: read from environment variables, compared in constant time."""

from __future__ import annotations

import hmac
import os

from saycan.errors import ConfigError


def secret_from_env(setting: str, env_var: str | None) -> str | None:
    """The value of ``env_var``, None when no variable is configured.

    Raises:
        ConfigError: ``env_var`` is configured but unset or blank (names the ``setting`` key).
    """
    if not env_var:
        return None
    value = os.environ.get(env_var, "")
    if not value.strip():
        raise ConfigError(f"{setting}={env_var}, but the environment variable {env_var} is not set")
    return value


def authorized(header: str | None, scheme: str, token: str | None) -> bool:
    """Does an ``Authorization`` header carry ``<scheme> <token>``? Always with no token; constant time."""
    if token is None:
        return True
    return hmac.compare_digest((header or "").encode(), f"{scheme} {token}".encode())
