"""`python -m saycan.train_value`, on a run small enough for the test suite."""

import json
import subprocess
import sys

from saycan.affordance import checkpoint


def test_train_value_writes_checkpoint_metrics_and_plot(tmp_path):
    cmd = [
        sys.executable,
        "-m",
        "saycan.train_value",
        f"hydra.run.dir={tmp_path}",
        "episodes=12",
        "epochs=3",
        "workers=2",
        "holdout_objects=[orange]",  # the shipped default holds none out; this measures generalisation
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "AUROC" in out.stdout and "unseen objects" in out.stdout
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert set(metrics) == {"train", "held-out episodes", "unseen objects"}
    assert (tmp_path / "reliability.png").read_bytes()[:4] == b"\x89PNG"
    _, meta = checkpoint.load(tmp_path / "kitchen_value")
    assert meta["episodes"] == 12 and "pick_up" in meta["skills"]
    lines = (tmp_path / "rollouts.jsonl").read_text().splitlines()
    # a second run finds every episode on disk and collects nothing new
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert again.returncode == 0 and (tmp_path / "rollouts.jsonl").read_text().splitlines() == lines
