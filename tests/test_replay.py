"""`saycan.replay`: a trace re-executed in the kitchen, as frames and as a video file."""

import os
import subprocess
import sys

import numpy as np
import pytest

from saycan.envs import make as make_env
from saycan.planner.prompt import PromptTemplate
from saycan.planner.trace import TraceWriter, read_trace
from saycan.replay import replay
from saycan.world.scene import scene_definition
from tests.planners import make_planner
from tests.scorers import PreferenceScorer

PLAN = ["find the sponge", "pick up the sponge", "go to the table", "wipe the spill", "done"]


@pytest.fixture(scope="module")
def sim_trace(tmp_path_factory, kitchen):
    """A trace recorded by planning "clean the spill" in the PyBullet kitchen."""
    path = tmp_path_factory.mktemp("trace") / "trace.jsonl"
    env = make_env("pybullet", scene=kitchen, seed=0)
    writer = TraceWriter(path)
    planner = make_planner(PreferenceScorer(PLAN), prompt=PromptTemplate())
    meta = {
        "env": {"id": "pybullet", "seed": 0, "noise": 0.0, "force_failures": None},
        "scene_def": scene_definition(kitchen),
    }
    planner.plan("clean the spill", env, writer=writer, meta=meta)
    writer.close()
    env.close()
    return path


def test_planning_in_the_sim_cleans_the_spill(sim_trace):
    trace = read_trace(sim_trace)
    assert trace.plan == PLAN and all(s.success for s in trace.steps)
    assert trace.steps[-2].state["clean"] == {"spill": True}
    assert all(s.info["sim_steps"] > 0 for s in trace.steps[:-1])


def test_replay_frame_count_matches_the_trace(sim_trace):
    frames = replay(sim_trace, frame_every=24, size=(96, 64))
    expected = sum(1 + int(s.info["sim_steps"]) // 24 for s in read_trace(sim_trace).steps)
    assert len(frames) == expected and frames[0].shape == (64, 96, 3)


def test_replay_is_deterministic(sim_trace):
    a = replay(sim_trace, frame_every=48, size=(64, 48))
    b = replay(sim_trace, frame_every=48, size=(64, 48))
    assert len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_replay_command_writes_an_mp4_with_every_frame(sim_trace, tmp_path):
    import imageio.v2 as imageio

    video = tmp_path / "replay.mp4"
    cmd = [
        sys.executable,
        "-m",
        "saycan.replay",
        f"trace={sim_trace}",
        f"video={video}",
        "width=128",
        "height=96",
        "frame_every=24",
    ]
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=300, cwd=tmp_path, env={**os.environ, "PYTHONWARNINGS": "ignore"}
    )
    assert out.returncode == 0, out.stderr
    expected = sum(1 + int(s.info["sim_steps"]) // 24 for s in read_trace(sim_trace).steps)
    assert f"({expected} frames)" in out.stdout and "4. wipe the spill -> ok" in out.stdout
    assert video.stat().st_size > 1000 and imageio.get_reader(video).count_frames() == expected


def test_replay_refuses_bad_video_format_and_missing_trace(tmp_path, sim_trace):
    for args, message in ((["trace=nope.jsonl"], "does not exist"), ([f"trace={sim_trace}", "video=x.avi"], ".avi")):
        out = subprocess.run(
            [sys.executable, "-m", "saycan.replay", *args], capture_output=True, text=True, timeout=120, cwd=tmp_path
        )
        assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr
