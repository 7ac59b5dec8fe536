import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from saycan.errors import ConfigError
from saycan.world.scene import TOP_KEYS, load_scene, scene_definition, scene_from_dict


def test_kitchen_matches_the_saycan_layout(kitchen):
    assert set(kitchen.locations) == {"far counter", "near counter", "table", "sink", "trash can", "you"}
    assert kitchen.objects["sponge"] == "sink" and kitchen.objects["coke can"] == "far counter"
    assert kitchen.spills == {"spill": "table"} and kitchen.robot_at == "near counter" and kitchen.holding is None
    g = kitchen.graph()
    assert g.nodes["apple"]["kind"] == "object" and g.edges["apple", "near counter"]["relation"] == "at"


def _write(tmp_path, data):
    path = tmp_path / "scene.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _kitchen_dict(kitchen):
    return {
        "name": "k",
        "locations": list(kitchen.locations),
        "objects": dict(kitchen.objects),
        "spills": dict(kitchen.spills),
        "robot": {"at": "near counter", "holding": None},
    }


def test_object_at_a_misspelled_location_names_file_key_and_choices(tmp_path, kitchen):
    data = _kitchen_dict(kitchen)
    data["objects"]["apple"] = "tabel"
    path = _write(tmp_path, data)
    with pytest.raises(ConfigError) as err:
        load_scene(path)
    message = str(err.value)
    assert (
        str(path) in message
        and "objects.apple" in message
        and "'tabel'" in message
        and "Did you mean 'table'" in message
    )


def test_unknown_top_level_key_is_rejected_with_choices(tmp_path, kitchen):
    data = _kitchen_dict(kitchen)
    data["objets"] = {}
    with pytest.raises(ConfigError, match=r"unknown key scene.objets.*Did you mean 'objects'"):
        load_scene(_write(tmp_path, data))


def test_robot_holding_an_unknown_object_is_rejected(kitchen):
    data = _kitchen_dict(kitchen)
    data["robot"]["holding"] = "banana"
    with pytest.raises(ConfigError, match="robot.holding: unknown object 'banana'"):
        scene_from_dict(data, source="x.yaml")


def test_missing_file_and_bad_yaml_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_scene(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_scene(bad)


def test_init_overrides_move_objects_and_the_robot(kitchen):
    scene = kitchen.with_init({"robot_at": "table", "holding": "apple", "objects": {"coke can": "table"}})
    g = scene.graph()
    assert scene.robot_at == "table" and scene.holding == "apple"
    assert g.edges["robot", "apple"]["relation"] == "holding" and scene.objects["coke can"] == "table"
    with pytest.raises(ConfigError, match="init.objects: unknown object 'banana'"):
        kitchen.with_init({"objects": {"banana": "table"}})


# Any YAML a user may write: scalars of every kind, nested lists and mappings.
YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*TOP_KEYS, "bogus"]), YAML_VALUES, max_size=8))
def test_any_scene_mapping_is_a_scene_or_a_one_line_config_error(data):
    check_scene_or_config_error(data)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TOP_KEYS), YAML_VALUES)
def test_one_bad_field_of_the_kitchen_is_a_scene_or_a_one_line_config_error(kitchen, key, value):
    check_scene_or_config_error({**scene_definition(kitchen), key: value})


def check_scene_or_config_error(data):
    try:
        scene = scene_from_dict(data, source="fuzz.yaml")
    except ConfigError as exc:
        assert str(exc).startswith("fuzz.yaml") and "\n" not in str(exc)
    else:
        assert scene.robot_at in scene.locations and set(scene.objects.values()) <= set(scene.locations)


def test_places_with_a_door_are_checked_and_a_task_may_start_with_one_open(kitchen):
    data = {**scene_definition(kitchen), "locations": [*kitchen.locations, "fridge"], "closed": ["fridge"]}
    scene = scene_from_dict(data)
    assert scene.closed == ("fridge",) and scene.opened == () and scene.with_init({"opened": ["fridge"]}).opened
    with pytest.raises(ConfigError, match="closed: unknown location 'fridg'"):
        scene_from_dict({**data, "closed": ["fridg"]})
    with pytest.raises(ConfigError, match="opened: 'table' has no door"):
        scene.with_init({"opened": ["table"]})
    assert scene_from_dict(scene_definition(scene.with_init({"opened": ["fridge"]}))).opened == ("fridge",)


def test_a_place_called_floor_is_refused_for_fallen_objects_lie_there(kitchen):
    data = _kitchen_dict(kitchen)
    data["locations"] = [*data["locations"], "floor"]
    with pytest.raises(ConfigError, match="locations: 'floor' is where fallen objects lie.*'floor mat'"):
        scene_from_dict(data, source="x.yaml")
