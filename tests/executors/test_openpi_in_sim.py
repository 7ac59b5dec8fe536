"""executor=openpi against `python -m saycan.serve_policy protocol=openpi policy=tiny_vla` on 127.0.0.1, in the sim."""

import socket
import subprocess
import sys

import pytest

import skills
from saycan import executors
from saycan.envs.pybullet import KitchenEnv
from saycan.skill import Option
from tests.executors.servers import free_port, wait_for


@pytest.fixture(scope="module")
def server():
    port = free_port()
    cmd = [sys.executable, "-m", "saycan.serve_policy", "protocol=openpi", "policy=tiny_vla", f"port={port}"]
    proc = subprocess.Popen(cmd)

    def up() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return proc.poll() is not None

    assert wait_for(up, 120) and proc.poll() is None, "serve_policy protocol=openpi did not start"
    yield f"ws://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def test_tiny_vla_over_openpi_puts_down_the_apple_in_the_sim(server, kitchen):
    sim = KitchenEnv(kitchen.with_init({"robot_at": "table", "holding": "apple"}), seed=0)
    env = executors.make("openpi", sim, url=server, unnorm_key="saycan_kitchen")
    try:
        option = Option("put down the apple", "put_down", (("object", "apple"),))
        result = env.execute(skills.make("put_down"), option)
        assert result.success, result.message
        assert env.world.holding is None and env.world.location_of("apple") == "table"
        assert 1 < result.info["policy_queries"] == result.info["policy_steps"] < 60  # one-step chunks
    finally:
        env.close()


def test_the_openpi_executor_builds_from_config(kitchen):
    from hydra import compose, initialize_config_dir

    from saycan import factory
    from saycan.executors.policy_executor import PolicyExecutor
    from saycan.storage.resources import conf_dir

    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose(
            "config", overrides=["instruction=x", "env=pybullet", "executor=openpi", "executor.chunk_steps=4"]
        )
    env = factory.env(cfg, kitchen)
    try:
        assert isinstance(env, PolicyExecutor) and env.chunk_steps == 4 and env.policy.url == "ws://127.0.0.1:8000"
    finally:
        env.close()
