"""executor=openvla_server against `python -m saycan.serve_policy policy=tiny_vla` on 127.0.0.1, in the sim."""

import re
import subprocess
import sys

import httpx
import pytest

import skills
from saycan import executors
from saycan.envs.pybullet import KitchenEnv
from saycan.skill import Option
from tests.executors.servers import put_down_the_apple, spawn_serve_policy


def start_server() -> tuple[subprocess.Popen, str]:
    """`python -m saycan.serve_policy policy=tiny_vla` on a free port, once it answers /health."""

    def health(port: int) -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    proc, port = spawn_serve_policy(["log_level=warning"], health)
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def server():
    proc, url = start_server()
    yield url
    proc.terminate()
    proc.wait(10)


def test_served_tiny_vla_puts_down_the_apple_in_the_sim(server, kitchen):
    result = put_down_the_apple(kitchen, "openvla_server", url=server, unnorm_key="saycan_kitchen")
    assert 1 < result.info["policy_steps"] < 60 and result.info["control_hz"] > 1


def test_serve_policy_cli_rejects_an_unknown_policy():
    proc = subprocess.run(
        [sys.executable, "-m", "saycan.serve_policy", "policy=tiny_vla", "policy.id=tiny_vlaa"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "unknown policy 'tiny_vlaa'" in proc.stdout + proc.stderr


def test_policy_server_dying_mid_skill_stops_with_the_url_and_the_arm_holds_still(kitchen):
    from saycan.policies.base import PolicyUnreachable

    proc, url = start_server()
    sim = KitchenEnv(kitchen, seed=0)
    env = executors.make("openvla_server", sim, url=url, unnorm_key="saycan_kitchen", max_retries=1)
    client = env.policy
    calls, poses = [], []

    class DiesAfterOne:  # the real client; the server process is killed after its 1st answer (4 actions)
        unnorm_keys = client.unnorm_keys

        def predict_action(self, image, instruction, unnorm_key=None):
            poses.append(sim.sim.robot.ee_pose()[0])
            calls.append(instruction)
            if len(calls) == 2:
                proc.kill()
                proc.wait(10)
            return client.predict_action(image, instruction, unnorm_key)

    env.policy = DiesAfterOne()
    try:
        sim.execute(skills.make("find"), Option("find the apple", "find", (("object", "apple"),)))
        with pytest.raises(PolicyUnreachable, match=re.escape(url)):  # no later skill could run: the plan stops
            env.execute(skills.make("pick_up"), Option("pick up the apple", "pick_up", (("object", "apple"),)))
        assert len(calls) == 2
        held = sim.sim.robot.ee_pose()[0]
        sim.sim.step(240)  # a second of sim time with no policy: the arm stays where it stopped
        assert abs(sim.sim.robot.ee_pose()[0] - held).max() < 0.01
        assert abs(held - poses[-1]).max() < 0.01  # the failed 2nd query moved nothing
    finally:
        proc.kill()
        env.close()
