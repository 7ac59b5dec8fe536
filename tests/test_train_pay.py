"""`python -m saycan.train_pay`, on a run small enough for the test suite."""

import json
import subprocess
import sys

from tests.commands import run_command


def test_one_command_gives_one_checkpoint(tmp_path):
    """The documented command reproduces a checkpoint byte for byte: tasks, initial weights and data order
    all come from ``seed`` (two fresh processes, as two users would run it)."""
    runs = []
    for name in ("first", "second"):
        out_dir = tmp_path / name
        cmd = [sys.executable, "-m", "saycan.train_pay", f"hydra.run.dir={out_dir}",
               "n=30", "dev_n=10", "epochs=1", "calibration_tasks=10"]  # fmt: skip
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "dev   goals: top-1" in out.stdout
        runs.append(out_dir)
    first, second = ((d / "kitchen_pay.safetensors").read_bytes() for d in runs)
    assert first == second
    meta = json.loads((runs[0] / "kitchen_pay.json").read_text())
    assert meta["settings"]["n"] == 30 and len(meta["training_requests"]) <= 30
    assert meta["architecture"]["dropout"] == 0.1 and "dropout" not in meta["settings"]  # stored once


def test_a_dropout_outside_0_to_1_is_refused_before_any_work(tmp_path):
    out = run_command("saycan.train_pay", [f"hydra.run.dir={tmp_path / 'run'}", "dropout=1.5"], tmp_path)
    assert out.returncode != 0
    assert "dropout=1.5: must be a number in [0, 1)" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "run" / "tasks_train.yaml").exists()
