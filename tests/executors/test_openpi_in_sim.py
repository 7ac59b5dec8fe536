"""executor=openpi against `python -m saycan.serve_policy protocol=openpi policy=tiny_vla` on 127.0.0.1, in the sim."""

import socket

import pytest

from tests.executors.servers import put_down_the_apple, spawn_serve_policy


@pytest.fixture(scope="module")
def server():
    def accepts(port: int) -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    proc, port = spawn_serve_policy(["protocol=openpi"], accepts)
    yield f"ws://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def test_tiny_vla_over_openpi_puts_down_the_apple_in_the_sim(server, kitchen):
    result = put_down_the_apple(kitchen, "openpi", url=server, unnorm_key="saycan_kitchen")
    assert 1 <= result.info["policy_queries"] < result.info["policy_steps"] < 60  # chunks: several actions a query


def test_the_openpi_executor_builds_from_config(kitchen):
    from saycan import factory
    from saycan.api import compose
    from saycan.executors.policy_executor import PolicyExecutor

    cfg = compose("config", overrides=["instruction=x", "env=pybullet", "executor=openpi", "executor.chunk_steps=4"])
    env = factory.env(cfg, kitchen)
    try:
        assert isinstance(env, PolicyExecutor) and env.chunk_steps == 4 and env.policy.url == "ws://127.0.0.1:8000"
    finally:
        env.close()
