"""Eval throughput on this machine: tasks per minute serially, and on a local Ray with 1 and 2 workers.

    python benchmarks/eval_scaling.py [--tasks 8] [--suite suites/kitchen_unseen.yaml] [--json PATH]

Runs `python -m saycan.eval` on the first ``--tasks`` tasks of the suite three times, one after the
other in this one run: ``parallel=local`` (serial, in the process), ``parallel=ray parallel.workers=1``
and ``parallel=ray parallel.workers=2``. Each run's wall time includes loading the LLM (once per
worker) and, for Ray, starting it, as a user sees it. Prints tasks per minute and the ratio to the
serial run, and checks that every run gave the serial run's plans.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

SETTINGS = {
    "serial (parallel=local)": ["parallel=local"],
    "ray, 1 worker": ["parallel=ray", "parallel.workers=1"],
    "ray, 2 workers": ["parallel=ray", "parallel.workers=2"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--suite", default=str(Path(__file__).resolve().parents[1] / "suites" / "kitchen_unseen.yaml"))
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        suite = yaml.safe_load(Path(args.suite).read_text())
        suite["tasks"] = suite["tasks"][: args.tasks]
        path = Path(tmp) / "suite.yaml"
        path.write_text(yaml.safe_dump(suite))
        rows, plans = {}, {}
        for i, (name, overrides) in enumerate(SETTINGS.items()):
            out = Path(tmp) / f"run{i}"  # a plain name: Hydra overrides parse the path
            cmd = [sys.executable, "-m", "saycan.eval", f"suite={path}", f"out={out}", f"hydra.run.dir={out}-hydra",
                   *overrides]  # fmt: skip
            t0 = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"{name} failed:\n{done.stderr[-2000:]}")
            seconds = time.perf_counter() - t0
            tasks = json.loads((out / "results.json").read_text())["tasks"]
            plans[name] = [(t["id"], t["plan"]) for t in tasks]
            rows[name] = {"seconds": seconds, "tasks": len(tasks), "tasks_per_min": 60 * len(tasks) / seconds}
    serial = rows["serial (parallel=local)"]["tasks_per_min"]
    print(f"{'setting':26s} {'tasks':>6s} {'seconds':>8s} {'tasks/min':>10s} {'x serial':>9s}")
    for name, r in rows.items():
        r["ratio"] = r["tasks_per_min"] / serial
        print(f"{name:26s} {r['tasks']:6d} {r['seconds']:8.1f} {r['tasks_per_min']:10.2f} {r['ratio']:9.2f}")
    same = all(p == plans["serial (parallel=local)"] for p in plans.values())
    print(f"same plans as the serial run, task by task: {same}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
