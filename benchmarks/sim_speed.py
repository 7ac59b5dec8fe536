"""How much faster than real time the headless kitchen executes skills (target: >= 10x).

    python benchmarks/sim_speed.py [--repeats 3]

Runs a fixed 20-skill sequence (every kitchen skill, both long and short drives) in DIRECT
mode without rendering, and prints simulated seconds, wall seconds and their ratio per skill
and overall, all measured in the same run.
"""

from __future__ import annotations

import argparse
import time

import skills
from saycan.envs.pybullet import KitchenEnv
from saycan.sim.kitchen import TIME_STEP
from saycan.storage.resources import conf_dir
from saycan.world.scene import load_scene

SEQUENCE = [
    "find the sponge",
    "pick up the sponge",
    "go to the table",
    "wipe the spill",
    "go to the sink",
    "put down the sponge",
    "find the coke can",
    "pick up the coke can",
    "go to the trash can",
    "put down the coke can",
    "find the apple",
    "pick up the apple",
    "bring it to you",
    "put down the apple",
    "find the water bottle",
    "pick up the water bottle",
    "go to the table",
    "put down the water bottle",
    "find the energy bar",
    "done",
]


def run_once(library: dict, scene) -> list[tuple[str, bool, float, float]]:
    env = KitchenEnv(scene, seed=0)
    options = {o.text: o for s in library.values() for o in s.options(env.world)}
    rows = []
    try:
        for text in SEQUENCE:
            option = options[text]
            start_steps, start = env.sim.steps, time.perf_counter()
            result = env.execute(library[option.skill], option)
            rows.append((text, result.success, (env.sim.steps - start_steps) * TIME_STEP, time.perf_counter() - start))
    finally:
        env.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of the sequence; the report sums them")
    args = parser.parse_args()
    library = {s.id: s for s in skills.make_library()}
    scene = load_scene(conf_dir() / "scene" / "kitchen.yaml")
    totals: dict[str, list[float]] = {}
    failures = 0
    for _ in range(args.repeats):
        for text, ok, sim_s, wall_s in run_once(library, scene):
            acc = totals.setdefault(text, [0.0, 0.0])
            acc[0] += sim_s
            acc[1] += wall_s
            failures += not ok
    print(f"{'skill':28s} {'simulated s':>12s} {'wall s':>8s} {'x real time':>12s}")
    for text, (sim_s, wall_s) in totals.items():
        if sim_s > 0:
            print(f"{text:28s} {sim_s:12.2f} {wall_s:8.3f} {sim_s / wall_s:12.1f}")
    sim_total = sum(v[0] for v in totals.values())
    wall_total = sum(v[1] for v in totals.values())
    print(f"{'TOTAL':28s} {sim_total:12.2f} {wall_total:8.3f} {sim_total / wall_total:12.1f}")
    print(
        f"skills that failed: {failures} of {len(SEQUENCE) * args.repeats}; target >= 10x real time: "
        f"{'met' if sim_total / wall_total >= 10 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
