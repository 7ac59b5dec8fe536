import json
import logging
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import json_numpy
import numpy as np
import pytest

from saycan.policies.limits import ServerLimits
from saycan.serve_policy import create_app
from tests.executors.servers import StubPolicy, UvicornThread, self_signed

IMAGE = np.zeros((224, 224, 3), np.uint8)


@pytest.fixture(scope="module")
def served():
    policy = StubPolicy()
    with UvicornThread(create_app(policy, "stub", max_image_side=512, max_instruction_chars=64)) as server:
        yield server, policy


def post(url, payload=None, raw=None):
    body = raw if raw is not None else json_numpy.dumps(payload)
    return httpx.post(url + "/act", content=body, headers={"content-type": "application/json"}, timeout=10)


def test_good_request_gets_the_json_numpy_action(served):
    server, policy = served
    reply = post(server.url, {"image": IMAGE, "instruction": "pick up the apple", "unnorm_key": "bridge_orig"})
    assert reply.status_code == 200
    assert np.allclose(json_numpy.loads(reply.text), policy.action)
    assert policy.calls[-1] == ((224, 224, 3), "pick up the apple", "bridge_orig")


BAD = {
    "not json": (b"{nope", 400, "not json-numpy"),
    "a list": (json.dumps([1, 2]).encode(), 400, "JSON object"),
    "object dtype": (
        json.dumps({"image": {"__numpy__": "AAAA", "dtype": "|O", "shape": [1]}, "instruction": "x"}).encode(),
        400,
        "json-numpy",
    ),
    "no image": ({"instruction": "pick up the apple"}, 422, "'image' is required"),
    "float image": ({"image": IMAGE.astype(np.float32), "instruction": "x"}, 422, "uint8"),
    "grey image": ({"image": IMAGE[:, :, 0], "instruction": "x"}, 422, r"\(H, W, 3\)"),
    "huge image": ({"image": np.zeros((600, 600, 3), np.uint8), "instruction": "x"}, 422, "16..512"),
    "no instruction": ({"image": IMAGE}, 422, "'instruction' is required"),
    "blank instruction": ({"image": IMAGE, "instruction": "   "}, 422, "'instruction' is required"),
    "long instruction": ({"image": IMAGE, "instruction": "x" * 65}, 422, "limit is 64"),
    "unknown key": ({"image": IMAGE, "instruction": "x", "unnorm_key": "droid"}, 422, "saycan_kitchen"),
    "extra field": ({"image": IMAGE, "instruction": "x", "proprio": [1]}, 422, "unknown fields"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_request_gets_4xx_with_reason_and_the_server_keeps_serving(served, case):
    server, _ = served
    payload, status, reason = BAD[case]
    reply = post(server.url, raw=payload) if isinstance(payload, bytes) else post(server.url, payload)
    assert reply.status_code == status
    assert re.search(reason, reply.json()["error"])
    assert post(server.url, {"image": IMAGE, "instruction": "pick up the apple"}).status_code == 200


def test_policy_failure_is_logged_here_and_answered_with_a_request_id_only(served, caplog):
    server, _ = served
    reply = post(server.url, {"image": IMAGE, "instruction": "crash"})
    assert reply.status_code == 500 and "model exploded" not in reply.text  # internals stay on the server
    request_id = reply.json()["request_id"]
    assert reply.headers["x-request-id"] == request_id and len(request_id) == 12
    assert any(request_id in r.getMessage() and "model exploded" in r.exc_text for r in caplog.records if r.exc_text)
    assert post(server.url, {"image": IMAGE, "instruction": "pick up the apple"}).status_code == 200


def test_deploy_py_encoded_body_form_is_accepted(served):
    server, policy = served
    inner = json_numpy.dumps({"image": IMAGE, "instruction": "put down the apple"})
    reply = post(server.url, raw=json.dumps({"encoded": inner}).encode())
    assert reply.status_code == 200 and policy.calls[-1][1] == "put down the apple"
    bad = post(server.url, raw=json.dumps({"encoded": inner, "instruction": "x"}).encode())
    assert bad.status_code == 400 and "only field" in bad.json()["error"]


def test_body_limit_holds_from_the_declared_length_and_while_streaming():
    policy = StubPolicy()
    limits = ServerLimits(max_body_bytes=1000)
    with UvicornThread(create_app(policy, "stub", limits=limits)) as server:
        declared = httpx.post(server.url + "/act", content=b"x" * 2000, timeout=10)
        assert declared.status_code == 413 and "2000 bytes" in declared.json()["error"]
        assert "limits.max_body_bytes" in declared.json()["error"]

        def chunks():  # no Content-Length: chunked transfer, counted as it arrives
            for _ in range(50):
                yield b"x" * 100

        streamed = httpx.post(server.url + "/act", content=chunks(), timeout=10)
        assert streamed.status_code == 413 and "1000-byte limit" in streamed.json()["error"]
    assert policy.calls == []


def test_bearer_token_is_required_when_set_and_the_client_sends_it(monkeypatch):
    from saycan.policies.base import PolicyError
    from saycan.policies.openvla_client import OpenVLAClient

    policy = StubPolicy()
    with UvicornThread(create_app(policy, "stub", token="s3cret")) as server:
        body = {"image": IMAGE, "instruction": "pick up the apple"}
        assert post(server.url, body).status_code == 401
        wrong = httpx.post(server.url + "/act", content=json_numpy.dumps(body), headers={"authorization": "Bearer no"})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        monkeypatch.setenv("POLICY_TOKEN", "s3cret")
        client = OpenVLAClient(server.url, auth_token_env="POLICY_TOKEN")
        assert np.allclose(client.predict_action(IMAGE, "pick up the apple"), policy.action)
        monkeypatch.setenv("POLICY_TOKEN", "nope")
        with pytest.raises(PolicyError, match="refused the request: HTTP 401"):
            OpenVLAClient(server.url, auth_token_env="POLICY_TOKEN", max_retries=0).predict_action(IMAGE, "x")
    assert len(policy.calls) == 1


def test_health_names_the_policy_and_its_keys(served):
    server, _ = served
    assert httpx.get(server.url + "/health").json() == {
        "status": "ok",
        "policy": "stub",
        "unnorm_keys": ["saycan_kitchen", "bridge_orig"],
    }


def test_serve_policy_under_concurrent_load_loses_no_request_and_keeps_its_memory(tmp_path):
    """The short version of benchmarks/serve_load.py: a second process, 4 clients for 8 s, the real tiny VLA."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "serve_load.py"
    out = subprocess.run(
        [sys.executable, str(script), "--clients", "4", "--seconds", "8", "--json", str(tmp_path / "load.json")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads((tmp_path / "load.json").read_text())
    assert report["failed"] == 0, report["first_failures"]
    assert report["answered"] >= 8 and report["p99_ms"] >= report["p50_ms"] > 0
    assert report["rss_end_mb"] - report["rss_start_mb"] < 100  # flat, not a leak per request


def raw_request(port: int, data: bytes) -> socket.socket:
    """A loopback socket that has sent ``data`` and then nothing."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(data)
    return sock


def reply_of(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_deep_or_huge_bodies_get_400_naming_the_limit_and_are_logged_as_refusals(served, caplog):
    server, _ = served
    deep = post(server.url, raw=b"[" * 100_000 + b"]" * 100_000)  # was a 500 "policy failed" (RecursionError)
    assert deep.status_code == 400 and "limit of 32" in deep.json()["error"]
    many = post(server.url, raw=b"[" + b"[]," * 1_000_000 + b"[]]")  # was +824 MiB and a 6.9 s stall
    assert many.status_code == 400 and "limit of 10000 values" in many.json()["error"]
    refusals = [r for r in caplog.records if r.getMessage().startswith("refused (limits.max_")]
    assert len(refusals) == 2 and all(r.exc_info is None for r in refusals)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_slow_decode_runs_off_the_event_loop_so_health_keeps_answering(served, monkeypatch):
    server, _ = served
    real = json_numpy.loads

    def slow_loads(body):
        time.sleep(1.5)
        return real(body)

    monkeypatch.setattr(json_numpy, "loads", slow_loads)
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(post, server.url, {"image": IMAGE, "instruction": "pick up the apple"})
        time.sleep(0.3)
        start = time.perf_counter()
        assert httpx.get(server.url + "/health", timeout=10).status_code == 200
        assert time.perf_counter() - start < 0.5  # on the loop it waited for the decode
        assert slow.result().status_code == 200


def test_an_image_sent_as_a_plain_list_is_told_how_arrays_travel(served):
    server, _ = served
    reply = post(server.url, raw=json.dumps({"image": [1, 2, 3], "instruction": "x"}).encode())
    assert reply.status_code == 422
    assert "json-numpy encoded; got a list" in reply.json()["error"]


# 1000 bytes of its own per connection, 4000 shared
QUICK = ServerLimits(read_timeout=0.5, max_body_bytes=4000, max_buffered_bytes=8000, max_connections=4)


@pytest.fixture
def guarded():
    policy = StubPolicy()
    with UvicornThread(create_app(policy, "stub", limits=QUICK), QUICK) as server:
        yield server, policy


def test_a_stalled_body_or_header_gets_408_and_its_connection_closes(guarded, caplog):
    server, policy = guarded
    start = time.perf_counter()
    body = raw_request(server.port, b"POST /act HTTP/1.1\r\nhost: x\r\ncontent-length: 3000\r\n\r\n" + b"x" * 100)
    header = raw_request(server.port, b"POST /act HTTP/1.1\r\nhost: x\r\ncontent-le")
    with body, header:
        assert reply_of(body).startswith(b"HTTP/1.1 408") and reply_of(header).startswith(b"HTTP/1.1 408")
    assert time.perf_counter() - start < 3 and policy.calls == []
    assert sum("refused (limits.read_timeout" in r.getMessage() for r in caplog.records) == 2


def test_stalled_uploads_fill_the_shared_budget_and_a_large_body_gets_503_but_a_small_one_does_not(guarded):
    server, policy = guarded
    head = b"POST /act HTTP/1.1\r\nhost: x\r\ncontent-length: 3500\r\n\r\n"
    first, second = raw_request(server.port, head + b"x" * 3000), raw_request(server.port, head + b"x" * 3000)
    with first, second:
        time.sleep(0.2)  # both bodies are being held: 2 x 2000 bytes past their own, the whole shared part
        large = httpx.post(server.url + "/act", content=b"x" * 3500, timeout=10)
        small = httpx.post(server.url + "/act", content=b"x" * 900, timeout=10)
    assert large.status_code == 503 and "limits.max_buffered_bytes" in large.json()["error"]
    assert large.headers["retry-after"] == "1"
    assert small.status_code == 400 and "not json-numpy" in small.json()["error"]  # read and answered
    assert policy.calls == []


def test_a_connection_past_the_cap_gets_503_at_once_and_the_cap_frees_up(guarded, caplog):
    server, _ = guarded
    idle = [raw_request(server.port, b"") for _ in range(4)]
    time.sleep(0.1)
    with raw_request(server.port, b"") as over:
        assert reply_of(over).startswith(b"HTTP/1.1 503")
    for sock in idle:
        sock.close()
    time.sleep(0.1)
    assert httpx.get(server.url + "/health", timeout=10).status_code == 200
    assert any("refused (limits.max_connections, 1 so far)" in r.getMessage() for r in caplog.records)


def test_a_client_that_disconnects_mid_body_is_no_policy_failure(guarded, caplog):
    server, _ = guarded
    with caplog.at_level(logging.INFO, logger="saycan.serve_policy"):
        raw_request(server.port, b"POST /act HTTP/1.1\r\nhost: x\r\ncontent-length: 3000\r\n\r\nxx").close()
        time.sleep(0.3)
    assert any("disconnected" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_https_with_a_self_signed_certificate_and_the_clients_ca_file(tmp_path):
    from saycan.policies.base import PolicyUnreachable
    from saycan.policies.openvla_client import OpenVLAClient

    cert, key, ca = self_signed(tmp_path)
    policy = StubPolicy()
    with UvicornThread(create_app(policy, "stub"), certfile=cert, keyfile=key) as server:
        assert server.url.startswith("https://")
        client = OpenVLAClient(server.url, ca_file=ca)
        assert np.allclose(client.predict_action(IMAGE, "pick up the apple"), policy.action)
        with pytest.raises(PolicyUnreachable, match="CERTIFICATE_VERIFY_FAILED"):  # not trusted without the CA
            OpenVLAClient(server.url, max_retries=0).predict_action(IMAGE, "pick up the apple")
