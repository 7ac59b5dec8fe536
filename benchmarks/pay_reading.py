"""Pay's goal reading on generated dev tasks, side by side for several `pay.named_bonus` values.

    python benchmarks/pay_reading.py [--bonus 0,8] [--checkpoint STEM] [--n 400] [--sets 200] [--json PATH]

The dev tasks are the ones `saycan.train_pay` reports on (same generator, seed 1, ``split=dev``: wordings
training never saw): ``n`` in household scenes (30% of them our kitchen) and ``n`` in the kitchen. For each
bonus it prints goal top-1 (the goal read first is a success clause) on all household dev tasks, on the
held-out rooms and on tasks naming a held-out object, and in the kitchen; then on ``sets`` generated set
requests ("put everything from the shelf on the sofa", dev wordings, the same scene mix), with and without
the set rule (`pay.read_sets`). Rows ``*_no_need_rule`` read the dev tasks without the need rule
(`pay.read_needs`); the last column is the crowd (needs) family. Nothing here is a suite task.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path

import yaml

from saycan.pay.checkpoint import load
from saycan.pay.model import TokenStates
from saycan.pay.train import inference_accuracy
from saycan.skill import make_library
from saycan.storage.resources import conf_dir
from saycan.tasks.families import Families
from saycan.tasks.generator import TaskGenerator
from saycan.tasks.household import DEV_ROOMS, catalogue, sample_scene
from saycan.tasks.suite_file import household_tasks, tasks_for
from saycan.world.scene import load_scene
from saycan.world.suite import Task

TRAIN = yaml.safe_load((conf_dir() / "train_pay.yaml").read_text())  # the dev sets train_pay measures on
SKILLS = yaml.safe_load((conf_dir() / "skills" / "kitchen.yaml").read_text())  # the skills it trains with


def dev_sets(n: int, out: Path) -> dict[str, list]:
    """The household and kitchen dev tasks, and the held-out subsets of the household ones."""
    kitchen = load_scene(conf_dir() / "scene" / "kitchen.yaml")
    skills = {s.id: s for s in make_library(SKILLS["names"], library=SKILLS["library"])}
    seed = TRAIN["seed"] + 1
    dev = household_tasks(out / "tasks_dev.yaml", n, seed, "dev", skills, TRAIN["tasks_per_scene"], None,
                          kitchen, TRAIN["kitchen_share"])  # fmt: skip
    held = catalogue().held_out_objects
    return {
        "dev": dev,
        "dev_unseen_rooms": [t for t in dev if t.scene.name.rsplit(" ", 1)[0] in DEV_ROOMS],
        "dev_unseen_objects": [t for t in dev if t.named & held],
        "dev_kitchen": tasks_for(None, out / "tasks_dev_kitchen.yaml", n, seed, "dev", kitchen, skills),
    }


def set_requests(n: int, seed: int = 7) -> list[Task]:
    """``n`` generated dev set requests (`Families.set_request`), 30% in the kitchen, one per scene drawn."""
    kitchen = load_scene(conf_dir() / "scene" / "kitchen.yaml")
    skills = {s.id: s for s in make_library(SKILLS["names"], library=SKILLS["library"])}
    rng, tasks = random.Random(seed), []
    while len(tasks) < n:
        scene = kitchen if rng.random() < TRAIN["kitchen_share"] else sample_scene(rng, "dev")
        families = Families(TaskGenerator(scene, skills, seed=rng.randrange(2**31), split="dev"))
        draft = next((d for d in (families.set_request() for _ in range(20)) if d is not None), None)
        if draft is not None:
            tasks.append(Task(f"s{len(tasks):04d}", "long_horizon", draft.instruction, scene, draft.goal))
    return tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bonus", default="0,8", help="pay.named_bonus values, comma-separated")
    parser.add_argument("--checkpoint", default=None, help="Pay checkpoint stem (default: the shipped one)")
    parser.add_argument("--n", type=int, default=TRAIN["dev_n"], help="dev tasks per set")
    parser.add_argument("--sets", type=int, default=200, help="generated set requests (0: none)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    bonuses = [float(b) for b in args.bonus.split(",")]
    model, _ = load(args.checkpoint)
    states = TokenStates()
    with tempfile.TemporaryDirectory() as tmp:
        sets = dev_sets(args.n, Path(tmp))
    report = {name: {b: inference_accuracy(model, states, tasks, b) for b in bonuses} for name, tasks in sets.items()}
    for name in ("dev", "dev_kitchen"):  # the need rule off: what it changes on wordings it was not written from
        tasks = sets[f"{name}_no_need_rule"] = sets[name]
        report[f"{name}_no_need_rule"] = {b: inference_accuracy(model, states, tasks, b, True, False) for b in bonuses}
    if args.sets:
        sets["set_requests"] = sets["set_requests_no_set_rule"] = set_requests(args.sets)
        for name, read_sets in (("set_requests", True), ("set_requests_no_set_rule", False)):
            tasks = sets[name]
            report[name] = {b: inference_accuracy(model, states, tasks, b, read_sets) for b in bonuses}
    print(f"{'dev set':25s} {'tasks':>5s}  " + "  ".join(f"bonus {b:g}".rjust(9) for b in bonuses) + "  (crowd)")
    for name, row in report.items():
        cells = "  ".join(f"{100 * row[b]['top1']:8.2f}%" for b in bonuses)
        crowd = "  ".join(f"{100 * row[b]['crowd']:5.1f}%" for b in bonuses if "crowd" in row[b])
        print(f"{name:25s} {len(sets[name]):5d}  {cells}  {crowd}")
    if args.json:
        args.json.write_text(json.dumps({k: {str(b): v for b, v in r.items()} for k, r in report.items()}, indent=2))


if __name__ == "__main__":
    main()
