import pytest

from saycan.errors import ConfigError
from saycan.world.catalogue import LOCATIONS, OBJECTS, kitchen_skill_count, missing_objects
from saycan.world.scene import USER, scene_definition, scene_from_dict
from saycan.world.state import SymbolicWorld
from skills import make_library

KITCHEN_SKILLS = ("find", "pick_up", "put_down", "go_to", "bring", "wipe", "done")


def candidates(scene):
    world = SymbolicWorld(scene)
    return [o.text for s in make_library(KITCHEN_SKILLS) for o in s.options(world)]


@pytest.mark.parametrize("n", [35, 36, 37, 50, 200, 550])
def test_scale_grows_the_kitchen_to_exactly_that_many_skills(kitchen, n):
    scene = scene_from_dict({**scene_definition(kitchen), "scale": n})
    texts = candidates(scene)
    assert len(texts) == len(set(texts)) == n == kitchen_skill_count(scene_definition(scene), USER)
    assert set(kitchen.objects.items()) <= set(scene.objects.items())  # the kitchen itself is kept
    new = set(scene.objects) - set(kitchen.objects)
    assert new <= set(OBJECTS) and set(scene.locations) - set(kitchen.locations) <= set(LOCATIONS)
    assert not {scene.objects[o] for o in new} & {"you", "trash can"}  # kept on shelves, not handed over


def test_catalogue_names_are_distinct_from_each_other_and_the_kitchen(kitchen):
    names = [*OBJECTS, *LOCATIONS]
    assert len(names) == len(set(names))
    assert not set(names) & (set(kitchen.objects) | set(kitchen.locations) | set(kitchen.spills))


@pytest.mark.parametrize("bad", [10, 100_000, "many", 2.5])
def test_out_of_range_scale_names_the_key_and_the_valid_range(kitchen, bad):
    with pytest.raises(ConfigError, match=r"scale=.*valid: an integer from 35 \(this scene\) to \d+"):
        scene_from_dict({**scene_definition(kitchen), "scale": bad}, source="conf/scene/kitchen_large.yaml")


def test_kitchen_large_file_loads_outside_hydra_with_its_defaults():
    from saycan.storage.resources import conf_dir
    from saycan.world.scene import load_scene

    scene = load_scene(conf_dir() / "scene" / "kitchen_large.yaml")
    assert scene.name == "kitchen_large" and len(candidates(scene)) == 550


def test_scene_defaults_cycle_is_a_config_error(tmp_path):
    from saycan.world.scene import load_scene

    (tmp_path / "a.yaml").write_text("defaults: [b]\nname: a\n")
    (tmp_path / "b.yaml").write_text("defaults: [a]\nname: b\n")
    with pytest.raises(ConfigError, match="cycle"):
        load_scene(tmp_path / "a.yaml")


@pytest.mark.parametrize(
    ("request_text", "missing"),
    [
        ("bring me the banana", {"banana": ["apple", "orange"]}),  # the kitchen's fruit, by its attributes
        ("bring me the bananas", {"banana": ["apple", "orange"]}),
        ("make me a cup of coffee", {"cup": []}),  # nothing of its kind: no made-up "closest" objects
        ("bring me the lemon-lime soda", {}),  # part of a hyphenated word (was: lemon, lime)
        ("bring me the protein bar", {}),  # an attribute of the energy bar (was: missing)
        ("bring me the sponge", {}),
    ],
)
def test_missing_objects_are_catalogue_names_the_scene_has_under_no_name_or_attribute(kitchen, request_text, missing):
    assert missing_objects(request_text, kitchen.objects, kitchen.attributes) == missing


def test_a_name_inside_a_scene_objects_own_name_is_not_missing(kitchen):
    grown = kitchen.extend([], {"coffee mug": "table", "yogurt cup": "table"}, {})
    assert missing_objects("move the coffee mug and the yogurt cup", grown.objects, grown.attributes) == {}
