"""Warm start-up of `python -m saycan.run "clean the spill"` (target: <= 15 s on an idle 2-core machine).

    python benchmarks/startup.py [--runs 3] [--instruction "clean the spill"]

First it runs the command once to warm the caches (the converted model, the bank's embeddings).
Then, measured in the same run:
- end to end: the command's wall time, as a user sees it (the best and the median of ``--runs``);
- the split, in a fresh process that does what the command does, phase by phase: import, model
  load (LLM, value function), prompt and bank (retrieval's examples), planning.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_S = 15.0

PHASES = r"""
import json, sys, time
t0 = time.perf_counter()
from saycan import factory
from saycan.api import compose
from saycan.planner.settings import clean_instruction
import torch, transformers  # what the command imports before it plans
t1 = time.perf_counter()
cfg = compose("config", overrides=["instruction=" + sys.argv[1]])
scene = factory.scene(cfg)
planner = factory.planner(cfg)
t2 = time.perf_counter()
env = factory.env(cfg, scene)
instruction = clean_instruction(cfg.instruction)
planner.begin(instruction, env.world)  # the bank filled in and embedded, examples retrieved, Pay's goals read
t3 = time.perf_counter()
trace = planner.plan(instruction, env, scene=scene.name)
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "model load": t2 - t1, "prompt/bank": t3 - t2, "planning": t4 - t3,
                  "steps": len(trace.steps)}))
"""


def command_seconds(instruction: str) -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        cmd = [sys.executable, "-m", "saycan.run", instruction, f"hydra.run.dir={out}"]
        subprocess.run(cmd, check=True, capture_output=True, cwd=out)
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--instruction", default="clean the spill")
    args = parser.parse_args()
    command_seconds(args.instruction)  # warm: conversion and bank embeddings are cached from here on
    walls = [command_seconds(args.instruction) for _ in range(args.runs)]
    phases = json.loads(
        subprocess.run(
            [sys.executable, "-c", PHASES, args.instruction], check=True, capture_output=True, text=True
        ).stdout.splitlines()[-1]
    )
    print(f"python -m saycan.run {args.instruction!r}, warm, {args.runs} runs")
    print(
        f"  end to end: best {min(walls):.1f} s, median {statistics.median(walls):.1f} s (target <= {TARGET_S:.0f} s)"
    )
    print("  split (one in-process run of the same work):")
    for name in ("import", "model load", "prompt/bank", "planning"):
        print(f"    {name:12s} {phases[name]:5.1f} s")
    print(f"    ({phases['steps']} planning steps; the rest of the wall time is Python start-up and config checks)")
    return 0 if statistics.median(walls) <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
