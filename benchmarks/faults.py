"""Plan against execution success when skills fail: scripted routines at several `sim.noise` and a VLA policy.

    python benchmarks/faults.py [--suite suites/kitchen_unseen.yaml] [--out faults] [--noise 0,0.2,0.4]
                                [--policy tiny_vla] [--layouts] [--json faults.json]

Each configuration is one ``python -m saycan.eval suite=SUITE env=pybullet ...`` run into ``OUT/NAME``
(a run already there is resumed, so the script can be stopped and started again). The table gives, per
configuration, plan success (the plan's successful steps replayed in the symbolic world, judged honestly),
execution success (the same rule on the sim's end state), the gap between them, how many plans ended
with `done` while the task's goal did not hold in the sim, and how many stopped ``failed: <why>``.
``--layouts`` adds the scripted routine at noise 0 and the policy with each task's things in random free
slots of their surfaces (``sim.shuffle_slots=true``): a layout per task, not only the scene file's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from saycan.planner.recovery import FAILED
from saycan.storage.jsonl import read_rows


def configurations(noise: list[float], policy: str | None, layouts: bool = False) -> dict[str, list[str]]:
    """Run name -> the overrides that make it."""
    runs = {f"scripted_noise{n:g}": ["executor=scripted", f"sim.noise={n:g}"] for n in noise}
    if policy:
        runs[policy] = [f"executor={policy}", "sim.noise=0"]
    if layouts:
        for executor in ("scripted", *([policy] if policy else [])):
            runs[f"{executor}_layouts"] = [f"executor={executor}", "sim.noise=0", "sim.shuffle_slots=true"]
    return runs


def evaluate(suite: str, out: Path, overrides: list[str]) -> None:
    """One ``saycan.eval`` run in the sim (resumed where ``out`` holds some of its tasks)."""
    resume = ["resume=true"] if (out / "tasks.jsonl").exists() else []
    cmd = [sys.executable, "-m", "saycan.eval", f"suite={suite}", "env=pybullet", *overrides, f"out={out}",
           f"hydra.run.dir={out}/hydra", *resume]  # fmt: skip
    print(" ".join(cmd[1:]), file=sys.stderr)
    subprocess.run(cmd, check=True)


def summarise(out: Path) -> dict[str, float | int]:
    """Plan and execution success of one run, and how its plans ended in the sim."""
    rows = read_rows(out / "tasks.jsonl", ("id", "plan_success", "execution_success"))
    ends = [read_rows(out / "traces" / f"{row['id']}.jsonl", ("kind",))[-1] for row in rows]
    n = len(rows)
    plan = sum(bool(r["plan_success"]) for r in rows) / n
    executed = sum(bool(r["execution_success"]) for r in rows) / n
    return {
        "n": n,
        "plan_success": plan,
        "execution_success": executed,
        "gap": plan - executed,
        "done_goal_false": sum(e.get("stop_reason") == "done" and not e.get("goal_reached") for e in ends),
        "stopped_failed": sum(str(e.get("stop_reason", "")).startswith(FAILED) for e in ends),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", default="suites/kitchen_unseen.yaml")
    parser.add_argument("--out", type=Path, default=Path("faults"))
    parser.add_argument("--noise", default="0,0.2,0.4", help="sim.noise values for the scripted routines")
    parser.add_argument("--policy", default="tiny_vla", help="an executor id run at noise 0 ('' for none)")
    parser.add_argument("--layouts", action="store_true", help="also with things anywhere on their surfaces")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    runs = configurations([float(x) for x in args.noise.split(",") if x], args.policy or None, args.layouts)
    table = {}
    for name, overrides in runs.items():
        evaluate(args.suite, args.out / name, overrides)
        table[name] = summarise(args.out / name)
    print(f"\n{args.suite}, env=pybullet\n")
    print("| executor | n | plan success | execution success | gap | done, goal not reached | stopped failed |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, s in table.items():
        print(f"| {name} | {s['n']} | {s['plan_success']:.0%} | {s['execution_success']:.0%} | "
              f"{100 * s['gap']:.0f} points | {s['done_goal_false']} | {s['stopped_failed']} |")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
