"""`python -m saycan.train_pay`, on a run small enough for the test suite."""

import json
import subprocess
import sys

import pytest

from saycan.pay.goals import KINDS
from tests.commands import run_command


def test_one_command_gives_one_checkpoint(tmp_path):
    """The documented command reproduces a checkpoint byte for byte: tasks, initial weights and data order
    all come from ``seed`` (two fresh processes, as two users would run it), for every member."""
    runs = []
    for name in ("first", "second"):
        out_dir = tmp_path / name
        cmd = [sys.executable, "-m", "saycan.train_pay", f"hydra.run.dir={out_dir}",
               "n=30", "dev_n=10", "epochs=1", "calibration_tasks=10", "members=2"]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "dev   goals: top-1" in out.stdout
        runs.append(out_dir)
    first, second = ((d / "kitchen_pay.safetensors").read_bytes() for d in runs)
    assert first == second
    meta = json.loads((runs[0] / "kitchen_pay.json").read_text())
    assert meta["settings"]["n"] == 30 and 30 < len(meta["training_requests"]) <= 60  # both members' tasks
    reads = {"kinds": list(KINDS), "parts": 3, "alike": True, "places_described": True}  # what its heads read
    assert meta["architecture"] == {"width": 128, "heads": 4, "dropout": 0.1, "contrast": True, **reads, "members": 2}
    assert "dropout" not in meta["settings"]  # stored once
    assert (runs[0] / "tasks_train_1.yaml").is_file()  # member 2 drew its own tasks (seed 1)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("dropout=1.5", "dropout=1.5: must be a number in [0, 1)"),
        ("members=0", "members=0: must be a whole number >= 1"),
        ("contrast=maybe", "contrast='maybe': must be true or false"),
        ("family_weights.long_horizon=0", "family_weights.long_horizon=0: must be a whole number"),
    ],
)
def test_a_bad_setting_is_refused_before_any_work(tmp_path, setting, message):
    out = run_command("saycan.train_pay", [f"hydra.run.dir={tmp_path / 'run'}", setting], tmp_path)
    assert out.returncode != 0
    assert message in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "run" / "tasks_train.yaml").exists()
