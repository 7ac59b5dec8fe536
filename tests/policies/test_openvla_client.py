import time

import numpy as np
import pytest

from saycan.errors import ConfigError
from saycan.policies.base import PolicyError
from saycan.policies.openvla_client import OpenVLAClient
from tests.executors.servers import ScriptedServer, action_reply, free_port, json_reply

IMAGE = np.zeros((224, 224, 3), np.uint8)


def client(url, **kw):
    return OpenVLAClient(url, **{"connect_timeout": 1.0, "read_timeout": 1.0, "max_retries": 2, "backoff": 0.01, **kw})


def test_client_decodes_the_json_numpy_action():
    with ScriptedServer([action_reply((0.1, 0, 0, 0, 0, 0, 1))]) as server:
        action = client(server.url).predict_action(IMAGE, "pick up the apple", "saycan_kitchen")
    assert action.shape == (7,) and action[0] == pytest.approx(0.1)


def test_client_recovers_from_one_dropped_connection():
    with ScriptedServer(["drop", action_reply()]) as server:
        action = client(server.url).predict_action(IMAGE, "pick up the apple")
        assert server.requests == 2
    assert action[2] == pytest.approx(0.01)


def test_client_fails_clearly_when_the_server_is_gone():
    url = f"http://127.0.0.1:{free_port()}"
    start = time.perf_counter()
    with pytest.raises(PolicyError, match=r"127\.0\.0\.1.*/act unreachable after 3 attempts \(Connect"):
        client(url).predict_action(IMAGE, "pick up the apple")
    assert time.perf_counter() - start < 5


def test_error_reply_is_a_failure_never_an_action():
    with ScriptedServer([json_reply(200, "error")]) as server, pytest.raises(PolicyError, match="answered 'error'"):
        client(server.url).predict_action(IMAGE, "pick up the apple")
    assert server.requests == 1  # a policy failure is not retried


def test_client_error_fails_at_once_with_the_server_reason():
    reply = json_reply(422, {"error": "unknown unnorm_key 'x'"})
    with ScriptedServer([reply]) as server, pytest.raises(PolicyError, match="HTTP 422.*unknown unnorm_key"):
        client(server.url).predict_action(IMAGE, "pick up the apple", "x")
    assert server.requests == 1


def test_client_retries_503_honouring_retry_after_then_succeeds():
    with ScriptedServer([json_reply(503, {}, {"Retry-After": "0.2"}), action_reply()]) as server:
        start = time.perf_counter()
        client(server.url).predict_action(IMAGE, "pick up the apple")
        assert time.perf_counter() - start >= 0.2 and server.requests == 2


def test_client_times_out_a_stalled_server_within_its_bounds():
    with ScriptedServer(["stall"]) as server, pytest.raises(PolicyError, match="ReadTimeout"):
        client(server.url, read_timeout=0.2, max_retries=1).predict_action(IMAGE, "pick up the apple")


@pytest.mark.parametrize("url", ["127.0.0.1:8000", "", None])
def test_client_rejects_a_url_without_scheme(url):
    with pytest.raises(ConfigError, match="executor.url"):
        OpenVLAClient(url)
