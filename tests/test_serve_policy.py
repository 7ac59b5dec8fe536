import json
import re

import httpx
import json_numpy
import numpy as np
import pytest

from saycan.serve_policy import create_app
from tests.executors.servers import StubPolicy, UvicornThread

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
    with UvicornThread(create_app(policy, "stub", max_body_bytes=1000)) as server:
        declared = httpx.post(server.url + "/act", content=b"x" * 2000, timeout=10)
        assert declared.status_code == 413 and "2000 bytes" in declared.json()["error"]

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
