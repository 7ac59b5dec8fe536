"""Seconds per planning step for requests in other languages (``planner.translate=llm``) against English.

    python benchmarks/language_step.py [--json PATH]

The multilingual suite's requests (``suites/multilingual.yaml``: ten kitchen requests, each in English and
six other languages; those that start from another state than the scene's are left out) are planned in the
symbolic world in this one process, one language after the other, sharing the loaded LLM, value function
and Pay. A step's time is its request's whole time, the translation included, over the request's steps.
Rows: English without translation (today's planner), English with ``planner.translate=llm`` (the language
check alone), and each other language with it. Targets (issue 42): English with translation on costs no
more than without; another language's step at most 1.5x an English one.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from planning_step import timed  # this script's folder is on the path when it runs

SUITE = Path(__file__).resolve().parent.parent / "suites" / "multilingual.yaml"
TARGET_RATIO = 1.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    from saycan import Planner
    from saycan.world.scene import load_scene
    from saycan.world.suite import load_suite

    suite = load_suite(SUITE, {"kitchen": load_scene("kitchen")})
    by_language: dict[str, list[str]] = {}
    for task in suite.tasks:
        if not task.init:
            by_language.setdefault(task.language, []).append(task.instruction)
    base = Planner.from_config(overrides=["env=symbolic"])
    base.run("clean the spill")  # warm: caches, the bank's embeddings
    translating = Planner.from_config(overrides=["env=symbolic", "planner.translate=llm"], llm=base.loop.scorer)
    translating.run("limpia el derrame")  # warm it too: its own caches, the language detector
    english = by_language.pop("en")
    runs = [("en, translate=none", base, english), ("en, translate=llm", translating, english)]
    runs += [(f"{language}, translate=llm", translating, requests) for language, requests in by_language.items()]
    rows = {name: timed(planner, requests) for name, planner, requests in runs}
    ref = rows["en, translate=none"]["s_per_step"]
    print(f"{'requests':22s} {'n':>3s} {'steps':>5s} {'s/step':>7s} {'s/request':>9s} {'x English':>9s}")
    for (name, _, requests), row in zip(runs, rows.values(), strict=True):
        row["ratio"] = row["s_per_step"] / ref
        print(
            f"{name:22s} {len(requests):3d} {row['steps']:5d} {row['s_per_step']:7.2f} "
            f"{row['s_per_request']:9.2f} {row['ratio']:8.2f}x"
        )
    worst = max(row["ratio"] for name, row in rows.items() if not name.startswith("en"))
    print(f"slowest other language: {worst:.2f}x an English step (target <= {TARGET_RATIO}x)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
