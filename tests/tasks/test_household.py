"""saycan/tasks/household.py: scenes drawn from the catalogue, with rooms, places, objects and words held out."""

import random

import pytest

from saycan.errors import ConfigError
from saycan.tasks.household import DEV_ROOMS, DEV_WORDS, catalogue, sample_scene


def test_the_catalogue_is_broad():
    cat = catalogue()
    assert len(cat.objects) >= 300 and len(cat.rooms) >= 10
    assert sum(len(r.doors) for r in cat.rooms.values()) >= 30 and len(cat.held_out_objects) >= 30


def test_training_scenes_never_hold_what_is_held_out():
    cat, rng = catalogue(), random.Random(0)
    for _ in range(200):
        scene = sample_scene(rng, "train")
        assert scene.name not in DEV_ROOMS and not set(scene.objects) & cat.held_out_objects
        assert not {w for words in scene.attributes.values() for w in words} & set(DEV_WORDS)
        assert scene.trash is not None and "you" in scene.locations
        assert set(scene.closed) <= set(scene.locations) and not set(scene.spills.values()) & set(scene.closed)


def test_dev_scenes_bring_unseen_rooms_and_objects_and_some_scenes_have_no_attributes():
    rng = random.Random(1)
    scenes = [sample_scene(rng, "dev") for _ in range(100)]
    assert sum(s.name in DEV_ROOMS for s in scenes) > 30
    assert all(set(s.objects) & catalogue().held_out_objects for s in scenes)
    assert any(not s.attributes for s in scenes) and any(s.attributes for s in scenes)


def test_a_bad_split_is_refused():
    with pytest.raises(ConfigError, match="split='test'; valid: train, dev, all"):
        sample_scene(random.Random(0), "test")
