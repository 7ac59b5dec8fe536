"""executor=openvla_server against `python -m saycan.serve_policy policy=tiny_vla` on 127.0.0.1, in the sim."""

import subprocess
import sys

import httpx
import pytest

import skills
from saycan import executors
from saycan.sim.env import KitchenEnv
from skills.skill import Option
from tests.executors.servers import free_port, wait_for


@pytest.fixture(scope="module")
def server():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "saycan.serve_policy", "policy=tiny_vla", f"port={port}", "log_level=warning"]
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(url + "/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return proc.poll() is not None

    assert wait_for(up, 120) and proc.poll() is None, "serve_policy did not start"
    yield url
    proc.terminate()
    proc.wait(10)


def test_served_tiny_vla_puts_down_the_apple_in_the_sim(server, kitchen):
    sim = KitchenEnv(kitchen.with_init({"robot_at": "table", "holding": "apple"}), seed=0)
    env = executors.make("openvla_server", sim, url=server, unnorm_key="saycan_kitchen")
    try:
        option = Option("put down the apple", "put_down", (("object", "apple"),))
        result = env.execute(skills.make("put_down"), option)
        assert result.success, result.message
        assert env.world.holding is None and env.world.location_of("apple") == "table"
        assert 1 < result.info["policy_steps"] < 60 and result.info["control_hz"] > 1
    finally:
        env.close()


def test_serve_policy_cli_rejects_an_unknown_policy():
    proc = subprocess.run(
        [sys.executable, "-m", "saycan.serve_policy", "policy=tiny_vla", "policy.id=tiny_vlaa"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "unknown policy 'tiny_vlaa'" in proc.stdout + proc.stderr
