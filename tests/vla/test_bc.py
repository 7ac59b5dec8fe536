"""`python -m saycan.train_vla`, on a run small enough for the test suite."""

import json
import subprocess
import sys

import numpy as np
import pytest

from saycan.policies.tiny_vla import SHIPPED, TinyVLAPolicy
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


def test_fine_tuning_keeps_the_checkpoints_action_bins_and_records_the_asked_share(tmp_path):
    cmd = [sys.executable, "-m", "saycan.train_vla", f"hydra.run.dir={tmp_path}", "episodes=4", "epochs=1", "workers=2",
           f"init={SHIPPED}", "put_down_share=1"]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    rows = [json.loads(x) for x in (tmp_path / "demos" / "episodes.jsonl").read_text().splitlines()]
    assert {r["skill"] for r in rows} == {"put_down"}
    tuned = load_statistics(tmp_path / "tiny_vla" / "dataset_statistics.json")["saycan_kitchen"]
    shipped = load_statistics(SHIPPED / "dataset_statistics.json")["saycan_kitchen"]
    assert np.array_equal(tuned.q01, shipped.q01) and np.array_equal(tuned.q99, shipped.q99)


@pytest.mark.parametrize(
    ("override", "says"),
    [
        (f"init={SHIPPED}", "set chunk=4 to fine-tune it"),
        ("put_down_share=2", "put_down_share=2"),
        ("layout_share=-0.5", "layout_share=-0.5: the share of demos that start from the scene's own layout"),
        ("any_slot=maybe", "any_slot='maybe': must be true or false"),
        ("crowd_share=1.5", "crowd_share=1.5: the share of scattered demos at a crowded place"),
        ("from_pick_share=yes", "from_pick_share='yes': the share of put-down demos that start from a pick"),
    ],
)
def test_a_bad_fine_tuning_setting_is_one_line_before_any_demo_is_recorded(tmp_path, override, says):
    cmd = [sys.executable, "-m", "saycan.train_vla", f"hydra.run.dir={tmp_path}", "episodes=4", "chunk=1", override]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert out.returncode == 2 and says in out.stderr, out.stderr
    assert not (tmp_path / "demos").exists()
