import pytest

from saycan.catalogue import LOCATIONS, OBJECTS, kitchen_skill_count
from saycan.errors import ConfigError
from saycan.scene import scene_definition, scene_from_dict
from saycan.world import SymbolicWorld
from skills import make_library

KITCHEN_SKILLS = ("find", "pick_up", "put_down", "go_to", "bring", "wipe", "done")


def candidates(scene):
    world = SymbolicWorld(scene)
    return [o.text for s in make_library(KITCHEN_SKILLS) for o in s.options(world)]


@pytest.mark.parametrize("n", [35, 36, 37, 50, 200, 550])
def test_scale_grows_the_kitchen_to_exactly_that_many_skills(kitchen, n):
    scene = scene_from_dict({**scene_definition(kitchen), "scale": n})
    texts = candidates(scene)
    assert len(texts) == len(set(texts)) == n == kitchen_skill_count(scene_definition(scene))
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
