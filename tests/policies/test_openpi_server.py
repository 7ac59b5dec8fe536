"""saycan/policies/openpi_server.py on 127.0.0.1, asked by openpi-client's own `WebsocketClientPolicy`."""

import threading

import httpx
import numpy as np
import pytest
from openpi_client.websocket_client_policy import WebsocketClientPolicy  # the reference client
from websockets.exceptions import InvalidStatus

from saycan.policies import make
from saycan.policies.openpi_server import make_server


class ChunkPolicy:
    """A policy that answers a (4, 7) chunk (a chunked head, as pi0 or OpenVLA-OFT)."""

    unnorm_keys = ()

    def predict_action(self, image, instruction, unnorm_key=None):
        if "fail" in instruction:
            raise RuntimeError("secret internal detail")
        return np.tile(np.arange(7, dtype=np.float32), (4, 1))


def serving(policy, token=None):
    server = make_server(policy, "127.0.0.1", 0, "test", token=token)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.socket.getsockname()[1]


@pytest.fixture(scope="module")
def tiny_vla_server():
    server, port = serving(make("tiny_vla"))
    yield port
    server.shutdown()


def observation(prompt="pick up the apple", side=224):
    return {"observation/image": np.zeros((side, side, 3), np.uint8), "prompt": prompt}


def test_openpi_client_gets_the_tiny_vla_action_as_a_one_step_chunk(tiny_vla_server):
    client = WebsocketClientPolicy(host="127.0.0.1", port=tiny_vla_server)
    assert client.get_server_metadata()["policy"] == "test"
    reply = client.infer({**observation(), "unnorm_key": "saycan_kitchen"})
    assert reply["actions"].shape == (1, 7) and np.all(np.isfinite(reply["actions"]))
    assert reply["server_timing"]["infer_ms"] > 0
    assert httpx.get(f"http://127.0.0.1:{tiny_vla_server}/healthz").status_code == 200


def test_a_bad_observation_gets_the_reason_as_the_protocols_error_frame(tiny_vla_server):
    client = WebsocketClientPolicy(host="127.0.0.1", port=tiny_vla_server)
    with pytest.raises(RuntimeError, match=r"field 'image' must be \(H, W, 3\) uint8"):
        client.infer({"observation/image": np.zeros((32, 32), np.uint8), "prompt": "pick up the apple"})


def test_chunks_are_served_whole_and_policy_failures_keep_their_details_here():
    server, port = serving(ChunkPolicy())
    try:
        reply = WebsocketClientPolicy(host="127.0.0.1", port=port).infer(observation())
        assert reply["actions"].shape == (4, 7)
        with pytest.raises(RuntimeError, match="request id") as failed:
            WebsocketClientPolicy(host="127.0.0.1", port=port).infer(observation("fail now"))
        assert "secret" not in str(failed.value)
    finally:
        server.shutdown()


def test_with_a_token_connections_need_the_api_key():
    server, port = serving(ChunkPolicy(), token="s3cret")
    try:
        with pytest.raises(InvalidStatus, match="401"):
            WebsocketClientPolicy(host="127.0.0.1", port=port)
        client = WebsocketClientPolicy(host="127.0.0.1", port=port, api_key="s3cret")
        assert client.infer(observation())["actions"].shape == (4, 7)
    finally:
        server.shutdown()
