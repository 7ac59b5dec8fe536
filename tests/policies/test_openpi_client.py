"""saycan/policies/openpi_client.py against a real openpi-protocol server on 127.0.0.1."""

import threading
import time

import numpy as np
import pytest

from saycan.errors import ConfigError
from saycan.policies import PolicyError, make
from saycan.policies.openpi_server import make_server
from tests.executors.servers import free_port


class ReplyPolicy:
    """Answers whatever chunk it was given (to send shapes and values a client must refuse)."""

    unnorm_keys = ()

    def __init__(self, chunk):
        self.chunk = np.asarray(chunk, dtype=np.float32)

    def predict_action(self, image, instruction, unnorm_key=None):
        return self.chunk


def served(chunk):
    server = make_server(ReplyPolicy(chunk), "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"ws://127.0.0.1:{server.socket.getsockname()[1]}"


IMAGE = np.zeros((224, 224, 3), np.uint8)


def test_a_chunk_comes_back_as_its_seven_mapped_dims():
    wide = np.arange(5 * 8, dtype=np.float32).reshape(5, 8)  # e.g. 7 joint velocities + gripper
    server, url = served(wide)
    try:
        policy = make("openpi", url=url, action_dims=[1, 2, 3, 4, 5, 6, 7], image_size=112)
        chunk = policy.predict_action(IMAGE, "pick up the apple")
        assert chunk.shape == (5, 7) and np.array_equal(chunk, wide[:, 1:])
        assert policy.metadata["protocol"] == "openpi"
        policy.close()
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    ("chunk", "why"),
    [([0.0] * 3, "actions have 3 dims"), ([[np.nan] * 7] * 2, "non-finite")],
)
def test_a_reply_of_the_wrong_shape_or_with_non_finite_values_fails(chunk, why):
    server, url = served(chunk)
    try:
        with pytest.raises(PolicyError, match=why):
            make("openpi", url=url).predict_action(IMAGE, "pick up the apple")
    finally:
        server.shutdown()


def test_no_server_fails_after_bounded_retries_naming_the_url():
    url = f"ws://127.0.0.1:{free_port()}"
    start = time.monotonic()
    with pytest.raises(PolicyError, match=rf"{url} unreachable after 3 attempts"):
        make("openpi", url=url, max_retries=2, backoff=0.01, connect_timeout=1).predict_action(IMAGE, "x")
    assert time.monotonic() - start < 10


def test_bad_settings_name_the_key():
    with pytest.raises(ConfigError, match="executor.url.*ws://"):
        make("openpi", url="http://127.0.0.1:8000")
    with pytest.raises(ConfigError, match="executor.action_dims"):
        make("openpi", url="ws://127.0.0.1:1", action_dims=[0, 1, 2])
