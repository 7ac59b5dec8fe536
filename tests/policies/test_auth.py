"""saycan/policies/auth.py: secrets from environment variables, one clear error when one is missing."""

import pytest

from saycan.errors import ConfigError
from saycan.policies.auth import authorized, secret_from_env


def test_a_token_variable_that_is_not_set_is_one_clear_error(monkeypatch):
    monkeypatch.delenv("NO_SUCH_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="auth_token_env=NO_SUCH_TOKEN, but the environment variable"):
        secret_from_env("auth_token_env", "NO_SUCH_TOKEN")
    assert secret_from_env("auth_token_env", None) is None


def test_a_header_is_authorized_only_with_the_scheme_and_the_token():
    assert authorized("Bearer s3cret", "Bearer", "s3cret") and authorized(None, "Bearer", None)
    assert not authorized("Bearer wrong", "Bearer", "s3cret") and not authorized(None, "Api-Key", "s3cret")
    assert not authorized("Api-Key s3cret", "Bearer", "s3cret")


def test_a_token_read_with_its_newline_authenticates_and_spaces_inside_are_refused(monkeypatch):
    monkeypatch.setenv("TOKEN_FROM_FILE", "abc123\n")  # $(cat token.txt) keeps no newline; env files do
    token = secret_from_env("auth_token_env", "TOKEN_FROM_FILE")
    assert token == "abc123" and authorized("Bearer abc123", "Bearer", token)
    monkeypatch.setenv("TOKEN_FROM_FILE", "abc 123")
    with pytest.raises(ConfigError, match="TOKEN_FROM_FILE: the token in TOKEN_FROM_FILE holds spaces") as e:
        secret_from_env("auth_token_env", "TOKEN_FROM_FILE")
    assert "abc" not in str(e.value)  # the value never reaches a message


def test_the_scheme_is_case_insensitive_and_the_token_is_not():
    assert authorized("bearer s3cret", "Bearer", "s3cret") and authorized("API-KEY s3cret", "Api-Key", "s3cret")
    assert not authorized("Bearer S3CRET", "Bearer", "s3cret") and not authorized("Bearers3cret", "Bearer", "s3cret")
