"""`python -m saycan.train_vla`, on a run small enough for the test suite."""

import json
import subprocess
import sys

import numpy as np
import pytest

from saycan.policies.tiny_vla import TinyVLAPolicy
from saycan.vla.normalization import load_statistics


@pytest.mark.parametrize(("chunk", "shape"), [(1, (7,)), (3, (3, 7))])
def test_train_vla_records_demos_and_writes_a_loadable_checkpoint(tmp_path, chunk, shape):
    cmd = [sys.executable, "-m", "saycan.train_vla", f"hydra.run.dir={tmp_path}", "episodes=6", "epochs=1", "workers=2",
           f"chunk={chunk}"]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "held-out episodes" in out.stdout
    rows = [json.loads(x) for x in (tmp_path / "demos" / "episodes.jsonl").read_text().splitlines()]
    assert sorted(r["episode"] for r in rows) == list(range(6))
    stats = load_statistics(tmp_path / "tiny_vla" / "dataset_statistics.json")["saycan_kitchen"]
    assert stats.mask.tolist() == [True] * 6 + [False]  # the gripper is not normalised, as in OpenVLA
    action = TinyVLAPolicy(tmp_path / "tiny_vla").predict_action(np.zeros((224, 224, 3), np.uint8), "pick up the apple")
    assert action.shape == shape and np.all(np.isfinite(action))


def test_train_vla_with_no_demos_says_how_to_fix(tmp_path):
    cmd = [sys.executable, "-m", "saycan.train_vla", f"hydra.run.dir={tmp_path}", "episodes=0"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert out.returncode == 2 and "raise episodes=" in out.stderr
