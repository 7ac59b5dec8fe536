"""Credentials of policy servers and their clients: tokens from environment variables, compared in constant time;
the CA a client trusts."""

from __future__ import annotations

import hmac
import os
import ssl

from saycan.errors import ConfigError


def secret_from_env(setting: str, env_var: str | None) -> str | None:
    """The value of ``env_var`` without surrounding whitespace (``$(cat token.txt)`` and secrets files end
    with a newline), None when no variable is configured.

    Raises:
        ConfigError: ``env_var`` is configured but unset or blank, or holds whitespace or control characters
            inside (names the ``setting`` key and the variable, never the value).
    """
    if not env_var:
        return None
    value = os.environ.get(env_var, "").strip()
    if not value:
        raise ConfigError(f"{setting}={env_var}, but the environment variable {env_var} is not set")
    if not value.isprintable() or any(c.isspace() for c in value):
        raise ConfigError(
            f"{setting}={env_var}: the token in {env_var} holds spaces or control characters, which an HTTP "
            "header cannot carry; use a token of letters, digits and punctuation"
        )
    return value


def authorized(header: str | None, scheme: str, token: str | None) -> bool:
    """Does an ``Authorization`` header carry ``<scheme> <token>``? Always with no token. The scheme is
    case-insensitive (HTTP's rule), the token compared in constant time."""
    if token is None:
        return True
    given_scheme, _, given = (header or "").strip().partition(" ")
    same_scheme = given_scheme.lower() == scheme.lower()
    return hmac.compare_digest(given.strip().encode(), token.encode()) and same_scheme


def tls_context(ca_file: str, key: str) -> ssl.SSLContext:
    """A client TLS context trusting the CA in ``ca_file`` (config ``key``), hostname checked."""
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"{key}={ca_file!r} is not a readable PEM certificate file: {exc}") from None
