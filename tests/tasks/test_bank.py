"""saycan/tasks/bank.py and the prompt's bank in any scene: examples made for the scene a plan runs in."""

from dataclasses import replace

import pytest

from saycan.errors import ConfigError
from saycan.planner.examples import FewShot
from saycan.planner.prompt import PromptTemplate
from saycan.skill import make_library
from saycan.storage.resources import conf_dir
from saycan.tasks import bank
from saycan.tasks.bank import recipe_of, scene_tasks
from saycan.world.scene import load_scene
from saycan.world.state import SymbolicWorld

SKILLS = {s.id: s for s in make_library(library="skills")}
SMALL = recipe_of({"n": 12, "seed": 3}, "test")


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SAYCAN_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_tasks_are_generated_for_the_scene_once_then_read_from_the_cache(cache, monkeypatch):
    office = load_scene("office")
    rows = scene_tasks(office, SKILLS, SMALL)
    texts = {o.text for s in SKILLS.values() for o in s.options(SymbolicWorld(office))}
    assert len(rows) == 12 and all(set(r["plan"][:-1]) <= texts for r in rows)
    monkeypatch.setattr(bank, "generate", pytest.fail)  # a second call must not generate again
    assert scene_tasks(office, SKILLS, SMALL) == rows and len(list((cache / "banks").glob("office-*.yaml"))) == 1
    # A task's start state (a suite row's init, the robot elsewhere) is the same scene to the bank.
    moved = office.with_init({"robot_at": office.locations[1], "objects": {next(iter(office.objects)): "you"}})
    assert moved != office and moved.as_written == office
    assert scene_tasks(moved, SKILLS, SMALL) == rows


def test_a_bad_recipe_names_the_key():
    with pytest.raises(ConfigError, match="generated.n must be a whole number"):
        recipe_of({"n": 0}, "x.yaml")
    with pytest.raises(ConfigError, match="unknown keys \\['size'\\]"):
        recipe_of({"size": 3}, "x.yaml")


def test_the_kitchen_prompt_in_another_scene_shows_only_that_scenes_things(monkeypatch):
    import yaml

    kitchen_prompt = PromptTemplate.from_config(yaml.safe_load((conf_dir() / "prompt" / "kitchen.yaml").read_text()))
    small = replace(kitchen_prompt.bank_tasks[0], recipe=SMALL)  # the kitchen bank's recipe, 12 tasks
    prompt = replace(kitchen_prompt, bank_tasks=(small,))
    garage = SymbolicWorld(load_scene("garage"))
    texts = {o.text for s in SKILLS.values() for o in s.options(garage)}
    shown = FewShot(prompt, SKILLS).template("bring me a tool", garage, texts).examples
    assert shown and all(set(ex.steps) <= texts for ex in shown)
    assert not small.generates_for(load_scene("kitchen_large"))  # it holds the kitchen: its bank as written
    assert small.generates_for(garage.scene)


def test_examples_that_do_not_fit_the_chosen_skills_are_left_out_with_one_warning(kitchen, capsys):
    import yaml

    cfg = yaml.safe_load((conf_dir() / "prompt" / "kitchen.yaml").read_text())
    skills = {s.id: s for s in make_library(["find", "pick_up", "put_down", "done"], library="skills")}
    world = SymbolicWorld(kitchen)
    texts = {o.text for s in skills.values() for o in s.options(world)}
    shown = FewShot(PromptTemplate.from_config(cfg), skills).template("hold the apple", world, texts).examples
    assert shown and all(set(ex.steps) <= texts for ex in shown)
    err = capsys.readouterr().err
    assert err.count("warning:") == 1 and "do not fit scene 'kitchen' and its skills" in err
