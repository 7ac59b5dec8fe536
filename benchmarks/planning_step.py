"""Seconds per planning step and per request: SayCan (pay=none) against the defaults (Pay, greedy) and beam search.

    python benchmarks/planning_step.py [--requests 6] [--json PATH] [--scene-overrides OVERRIDE ...]

The same requests are planned in the symbolic world with each setting, in this one process and one
after the other, sharing the loaded LLM, value function and Pay; a step's time is everything the
planner does for it (LLM, value functions, Pay, search). The target: a step with Pay and
``planner.search=greedy`` takes at most 1.5x SayCan's, in the kitchen and in a 30-object scene
(``--scene-overrides scene=kitchen_large scene.scale=101``: the kitchen grown with 21 catalogue objects); beam search is
reported per request.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from typing import Any

REQUESTS = [
    "clean the spill", "throw away the jalapeno chips", "put the apple on the table", "I'm thirsty, can you help?",
    "bring me a fruit and a snack", "bring me something to drink that isn't soda", "put the sponge in the sink",
    "bring me the rice chips, then throw away the coke can",
]  # fmt: skip
SETTINGS = {
    "pay=none (SayCan)": ["pay=none"],
    "pay=learned, greedy (default)": [],
    "pay=learned, beam (width 3)": ["planner.search=beam"],
}
TARGET_RATIO = 1.5


def timed(planner: Any, requests: Sequence[str]) -> dict[str, float]:
    """``planner`` runs each request; a step's time is its request's whole time over the request's steps.

    Returns:
        ``s_per_step``, ``s_per_request`` (mean) and ``steps`` (in all).
    """
    steps, times = 0, []
    for request in requests:
        t0 = time.perf_counter()
        result = planner.run(request)
        times.append(time.perf_counter() - t0)
        steps += len(result.steps)
    return {"s_per_step": sum(times) / steps, "s_per_request": statistics.mean(times), "steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=6)
    parser.add_argument("--json", default=None)
    parser.add_argument(
        "--scene-overrides", nargs="*", default=[], help="e.g. scene=kitchen_large scene.scale=101 (30 objects)"
    )
    args = parser.parse_args()

    from saycan import Planner
    from saycan.world.state import SymbolicWorld

    scene = list(args.scene_overrides)
    base = Planner.from_config(overrides=["env=symbolic", *scene])
    candidates = len(base.loop.candidates(SymbolicWorld(base.scene)))
    print(f"scene: {base.scene.name}, {len(base.scene.objects)} objects, {candidates} candidates")
    base.run("clean the spill")  # warm: caches, the bank's embeddings
    rows = {}
    for name, overrides in SETTINGS.items():
        planner = Planner.from_config(overrides=["env=symbolic", *scene, *overrides], llm=base.loop.scorer)
        rows[name] = timed(planner, REQUESTS[: args.requests])
    ref = rows["pay=none (SayCan)"]["s_per_step"]
    print(f"{'setting':32s} {'s/step':>8s} {'x SayCan':>9s} {'s/request':>10s} {'steps':>6s}")
    for name, r in rows.items():
        r["ratio"] = r["s_per_step"] / ref
        print(f"{name:32s} {r['s_per_step']:8.2f} {r['ratio']:9.2f} {r['s_per_request']:10.1f} {r['steps']:6d}")
    greedy = rows["pay=learned, greedy (default)"]["ratio"]
    verdict = "met" if greedy <= TARGET_RATIO else "missed"
    print(f"target: a greedy step with Pay <= {TARGET_RATIO}x SayCan's: {verdict}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
