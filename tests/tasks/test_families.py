"""saycan/tasks/families.py: drafts of each family per round, as `family_weights` asks."""

from collections import Counter

import yaml

from saycan.skill import make_library
from saycan.tasks.families import generate
from saycan.tasks.generator import TaskGenerator
from saycan.world.suite import FAMILIES
from tests.commands import run_command

SKILLS = {s.id: s for s in make_library(library="skills")}


def test_a_family_weighted_twice_is_drawn_about_twice_as_often(kitchen):
    even = Counter(r["family"] for r in generate(TaskGenerator(kitchen, SKILLS, seed=3), 140))
    twice = Counter(r["family"] for r in generate(TaskGenerator(kitchen, SKILLS, seed=3), 140, weights={"crowd": 2}))
    # Crowd drafts that need words this kitchen lacks are skipped, so crowd is under 1 task in 7; weighting
    # it twice still doubles its draws.
    assert even["crowd"] >= 5 and 1.5 * even["crowd"] <= twice["crowd"] <= 2.5 * even["crowd"]
    assert set(twice) == set(FAMILIES)


def test_generate_tasks_takes_family_weights_and_records_them(tmp_path):
    out = tmp_path / "tasks.yaml"
    done = run_command("saycan.generate_tasks", [f"out={out}", "n=16", "family_weights.crowd=3"], tmp_path)
    assert done.returncode == 0, done.stderr
    generated = yaml.safe_load(out.read_text())["generated"]
    assert generated["family_weights"] == {**dict.fromkeys(FAMILIES, 1), "crowd": 3}
    refused = run_command("saycan.generate_tasks", [f"out={out}", "family_weights.crowd=0"], tmp_path)
    assert refused.returncode == 2 and "family_weights.crowd=0: must be" in refused.stdout + refused.stderr
