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


def test_a_failing_clients_errors_never_hold_its_token(monkeypatch):
    import numpy as np

    from saycan.policies.base import PolicyError
    from saycan.policies.openpi_client import OpenPIPolicy
    from saycan.policies.openvla_client import OpenVLAClient
    from saycan.serve_policy import create_app
    from tests.executors.servers import StubPolicy, UvicornThread, free_port

    monkeypatch.setenv("POLICY_TOKEN", "tok-3f9a\n")  # as a secrets file gives it
    image = np.zeros((32, 32, 3), np.uint8)
    with UvicornThread(create_app(StubPolicy(), token="another")) as refusing:
        clients = [
            OpenVLAClient(refusing.url, auth_token_env="POLICY_TOKEN", max_retries=0),  # 401
            OpenVLAClient(f"http://127.0.0.1:{free_port()}", auth_token_env="POLICY_TOKEN", max_retries=0),
            OpenPIPolicy(f"ws://127.0.0.1:{free_port()}", api_key_env="POLICY_TOKEN", max_retries=0),
            OpenPIPolicy(f"ws://127.0.0.1:{refusing.port}", api_key_env="POLICY_TOKEN", max_retries=0),
        ]
        for client in clients:
            with pytest.raises(PolicyError) as failed:
                client.predict_action(image, "pick up the apple")
            shown = f"{failed.value} {failed.value!r} {failed.value.__cause__!r} {failed.value.__context__!r}"
            assert "tok-3f9a" not in shown
