"""saycan/policies/openpi_server.py on 127.0.0.1, asked by openpi-client's own `WebsocketClientPolicy`."""

import threading
import time
from contextlib import contextmanager
from dataclasses import replace

import httpx
import numpy as np
import pytest
from openpi_client.websocket_client_policy import WebsocketClientPolicy  # the reference client
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from benchmarks.abuse_probes import frame_head, until_closed, ws_open
from saycan.policies import make
from saycan.policies.limits import DEFAULT_LIMITS, ServerLimits
from saycan.policies.openpi_server import make_server, server_tls
from saycan.policies.openpi_wire import packb
from tests.executors.servers import self_signed


class ChunkPolicy:
    """A policy that answers a (4, 7) chunk (a chunked head, as pi0 or OpenVLA-OFT)."""

    unnorm_keys = ()

    def predict_action(self, image, instruction, unnorm_key=None):
        if "fail" in instruction:
            raise RuntimeError("secret internal detail")
        return np.tile(np.arange(7, dtype=np.float32), (4, 1))


def serving(policy, token=None, limits=DEFAULT_LIMITS, tls=None):
    server = make_server(policy, "127.0.0.1", 0, "test", token=token, limits=limits, tls=tls)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.socket.getsockname()[1]


@pytest.fixture(scope="module")
def tiny_vla_server():
    server, port = serving(make("tiny_vla"))
    yield port
    server.shutdown()


def observation(prompt="pick up the apple", side=224):
    return {"observation/image": np.zeros((side, side, 3), np.uint8), "prompt": prompt}


def test_openpi_client_gets_the_tiny_vla_actions_as_its_chunk(tiny_vla_server):
    client = WebsocketClientPolicy(host="127.0.0.1", port=tiny_vla_server)
    assert client.get_server_metadata()["policy"] == "test"
    reply = client.infer({**observation(), "unnorm_key": "saycan_kitchen"})
    assert reply["actions"].shape == (4, 7) and np.all(np.isfinite(reply["actions"]))  # the shipped chunk of 4
    assert reply["server_timing"]["infer_ms"] > 0
    assert httpx.get(f"http://127.0.0.1:{tiny_vla_server}/healthz").status_code == 200


def test_a_bad_observation_gets_the_reason_as_the_protocols_error_frame(tiny_vla_server):
    client = WebsocketClientPolicy(host="127.0.0.1", port=tiny_vla_server)
    with pytest.raises(RuntimeError, match=r"field 'observation/image' must be \(H, W, 3\) uint8"):
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


QUICK = ServerLimits(idle_timeout=0.5, read_timeout=0.5, max_body_bytes=2**20, max_connections=3,
                     max_buffered_bytes=2**21)  # fmt: skip
# QUICK's caps with time limits no loaded machine reaches while a test holds its connections open
PATIENT = replace(QUICK, idle_timeout=30, read_timeout=10)


@contextmanager
def served(limits):
    server, port = serving(ChunkPolicy(), limits=limits)
    try:
        yield f"ws://127.0.0.1:{port}"
    finally:
        server.shutdown()


@pytest.fixture
def guarded():
    with served(QUICK) as url:
        yield url


def closed_with(ws):
    """The close code and reason the server ended ``ws`` with, after reading what it sent."""
    with pytest.raises(ConnectionClosed):
        while True:
            ws.recv(timeout=10)
    return ws.close_code, ws.close_reason


def test_a_message_of_empty_maps_is_refused_by_its_first_bytes_before_it_is_read_whole(guarded, caplog):
    with connect(guarded, max_size=None) as ws:
        ws.recv(timeout=10)  # metadata
        ws.send(b"\xdd\x00\x10\x00\x00" + b"\x80" * (2**20 - 5))  # was ~68x its size while decoding
        assert closed_with(ws) == (1008, "message holds more than the limit of 10000 values")
    assert sum("refused (limits.max_elements, 1 so far)" in r.getMessage() for r in caplog.records) == 1


def test_a_short_message_of_empty_maps_is_refused_whole_with_the_reason(guarded):
    with connect(guarded) as ws:
        ws.recv(timeout=10)
        ws.send(b"\xdc\x4e\x20" + b"\x80" * 20_000)  # 20 KB: under the first-bytes check, checked whole
        assert "limit of 10000 values" in ws.recv(timeout=10)
        assert closed_with(ws) == (1008, "bad request")


def test_a_message_over_the_size_limit_closes_1009(guarded):
    with connect(guarded, max_size=None) as ws:
        ws.recv(timeout=10)
        ws.send(packb(observation(side=1024)))  # 3 MiB over the 1 MiB limit
        assert closed_with(ws)[0] == 1009


def test_a_connection_past_the_cap_is_closed_1013(caplog):
    with served(PATIENT) as url, connect(url), connect(url), connect(url):
        with connect(url) as fourth:
            code, reason = closed_with(fourth)
        assert code == 1013 and "server busy" in reason
    assert any("refused (limits.max_connections, 1 so far)" in r.getMessage() for r in caplog.records)


def test_an_idle_connection_is_closed_1008_and_a_working_one_is_not(guarded):
    with connect(guarded) as idle, connect(guarded) as working:
        working.recv(timeout=10)
        for _ in range(8):  # 1.2 s in all, more than the 0.5 s idle limit, but never 0.5 s without a message
            working.send(packb(observation()))
            assert isinstance(working.recv(timeout=10), bytes)
            time.sleep(0.15)
        idle.recv(timeout=10)
        assert closed_with(idle) == (1008, "no message for 0.5 s (limits.idle_timeout)")


def test_wss_with_a_self_signed_certificate_and_the_clients_ca_file(tmp_path):
    from saycan.policies.base import PolicyUnreachable
    from saycan.policies.openpi_client import OpenPIPolicy

    cert, key, ca = self_signed(tmp_path)
    server, port = serving(ChunkPolicy(), tls=server_tls(cert, key))
    try:
        client = OpenPIPolicy(f"wss://127.0.0.1:{port}", ca_file=ca)
        assert client.predict_action(np.zeros((224, 224, 3), np.uint8), "pick up the apple").shape == (4, 7)
        client.close()
        with pytest.raises(PolicyUnreachable, match="CERTIFICATE_VERIFY_FAILED"):
            OpenPIPolicy(f"wss://127.0.0.1:{port}", max_retries=0).predict_action(
                np.zeros((224, 224, 3), np.uint8), "x"
            )
    finally:
        server.shutdown()


def port_of(url):
    return int(url.rsplit(":", 1)[1])


def test_stalled_frames_fill_the_shared_budget_and_a_large_message_is_closed_1013_but_not_a_small_one(caplog):
    with (
        served(PATIENT) as url,
        ws_open("127.0.0.1", port_of(url)) as first,
        ws_open("127.0.0.1", port_of(url)) as second,
    ):
        for sock in (first, second):  # most of a 1 MiB frame each: 2 x 450 KB past their own 350 KB
            sock.sendall(frame_head(2**20) + b"\x00" * 800_000)
        time.sleep(0.2)
        with connect(url) as third:
            third.recv(timeout=10)
            third.send(packb(observation()))  # 150 KB: within its own share, answered
            assert isinstance(third.recv(timeout=10), bytes)
            third.send(packb(observation(side=420)))  # 530 KB: 180 KB more than its own; 150 KB shared left
            assert closed_with(third)[0] == 1013
    assert any("refused (limits.max_buffered_bytes" in r.getMessage() for r in caplog.records)


def test_a_frame_that_stalls_half_way_is_closed_1008_after_the_read_timeout():
    server, port = serving(ChunkPolicy(), limits=ServerLimits(read_timeout=0.5, idle_timeout=30))
    try:
        with ws_open("127.0.0.1", port) as sock:
            sock.sendall(frame_head(2**20) + b"\x00" * 100_000)
            start = time.perf_counter()
            data = until_closed(sock)
        assert b"limits.read_timeout" in data and time.perf_counter() - start < 3  # not the 30 s idle limit
    finally:
        server.shutdown()
