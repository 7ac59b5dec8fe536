"""saycan/eval/workers.py: `saycan.eval parallel=ray` gives a serial run's rows, and a killed worker loses none."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.commands import run_command

pytestmark = pytest.mark.slow


def evaluate(tmp_path, out, *overrides, wait=True):
    cmd = [sys.executable, "-m", "saycan.eval", f"hydra.run.dir={tmp_path / ('h-' + out)}", f"out={tmp_path / out}",
           *overrides]  # fmt: skip
    if not wait:
        return subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)


def serial(tmp_path, *overrides):
    """The serial run to compare with, in this test's process (`tests.commands`): Ray stays out of it."""
    argv = [f"hydra.run.dir={tmp_path / 'h-serial'}", f"out={tmp_path / 'serial'}", *overrides]
    return run_command("saycan.eval.__main__", argv, tmp_path)


def outcome(path: Path):
    data = json.loads((path / "results.json").read_text())
    return [(t["id"], t["plan"], t["plan_success"], t["error"]) for t in data["tasks"]], data["summary"]


def tiny(tiny_model_dir, suite):
    return [f"suite={suite}", "llm=hf", f"llm.path={tiny_model_dir}", "planner.max_steps=3", "affordance=state"]


def test_eval_on_ray_gives_the_rows_of_a_serial_run(tmp_path, tiny_model_dir, mini_suite_path):
    args = tiny(tiny_model_dir, mini_suite_path)
    assert serial(tmp_path, *args).returncode == 0
    out = evaluate(tmp_path, "ray", *args, "parallel=ray", "parallel.workers=2")
    assert out.returncode == 0, out.stdout + out.stderr
    assert outcome(tmp_path / "ray") == outcome(tmp_path / "serial")
    assert len((tmp_path / "ray" / "traces").glob("*.jsonl").__iter__().__next__().read_text()) > 0


def ray_workers() -> list[int]:
    """Pids of the eval's Ray actors (their process title names the actor class)."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if proc.name.isdigit() and b"ray::_Runner" in cmdline:
            pids.append(int(proc.name))
    return pids


def test_a_killed_ray_worker_loses_no_finished_row_and_the_run_completes(tmp_path, tiny_model_dir, mini_suite_path):
    suite = yaml.safe_load(mini_suite_path.read_text())
    n = 40  # 0.1-1 s per task: the kill, as soon as 3 rows are in, lands inside the run
    suite["tasks"] = [{**t, "id": f"{t['id']}-{i}"} for i in range(n // 2) for t in suite["tasks"]]
    (tmp_path / "suite.yaml").write_text(yaml.safe_dump(suite))
    args = tiny(tiny_model_dir, tmp_path / "suite.yaml")
    assert serial(tmp_path, *args).returncode == 0
    proc = evaluate(tmp_path, "ray", *args, "parallel=ray", "parallel.workers=2", wait=False)
    rows = tmp_path / "ray" / "tasks.jsonl"
    deadline = time.monotonic() + 300
    while not (rows.exists() and rows.read_text().count("\n") >= 3) and time.monotonic() < deadline:
        time.sleep(0.05)
    before = rows.read_text().splitlines()
    victims = ray_workers()
    assert victims, "no Ray actor process found"
    os.kill(victims[0], signal.SIGKILL)
    log, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, log
    after = rows.read_text().splitlines()
    assert after[: len(before)] == before and len(before) < n  # finished rows kept, the kill was mid-run
    assert sorted(json.loads(r)["id"] for r in after) == sorted(t["id"] for t in suite["tasks"])  # each once
    assert outcome(tmp_path / "ray") == outcome(tmp_path / "serial")


@pytest.mark.parametrize(("per_task", "seeds"), [("true", [3, 4]), ("false", [3, 3])])
def test_each_task_runs_the_sim_with_its_own_seed_and_its_trace_says_which(
    tmp_path, tiny_model_dir, mini_suite_path, per_task, seeds
):
    from omegaconf import OmegaConf

    from saycan.api import compose
    from saycan.eval.workers import build_runner

    overrides = ["llm=hf", f"llm.path={tiny_model_dir}", "env=pybullet", "sim.seed=3", f"eval.seed_per_task={per_task}"]
    cfg = OmegaConf.to_container(compose("eval", overrides), resolve=True)
    runner = build_runner(cfg, str(mini_suite_path), str(tmp_path))
    assert [runner.header(runner.tasks[t])["env"]["seed"] for t in ("p1", "c1")] == seeds
    envs = [runner.make_env(runner.tasks[t]) for t in ("p1", "c1")]
    try:
        assert [env.seed for env in envs] == seeds  # the scripted executor runs the sim env itself
    finally:
        for env in envs:
            env.close()
