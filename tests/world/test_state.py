import pytest

from saycan.world.scene import FLOOR
from saycan.world.state import SkillFailure, SymbolicWorld


def test_grasp_needs_the_object_here_and_an_empty_hand(kitchen):
    world = SymbolicWorld(kitchen)
    with pytest.raises(SkillFailure, match="it is at the sink"):
        world.grasp("sponge")
    world.grasp("apple")
    assert world.holding == "apple" and world.location_of("apple") is None
    with pytest.raises(SkillFailure, match="already holding the apple"):
        world.grasp("orange")


def test_release_puts_the_object_where_the_robot_is(kitchen):
    world = SymbolicWorld(kitchen)
    world.grasp("apple")
    world.move_robot("you")
    world.release("apple")
    assert world.location_of("apple") == "you" and world.holding is None
    with pytest.raises(SkillFailure, match="not holding it"):
        world.release("apple")


def test_snapshot_is_plain_data(kitchen):
    snap = SymbolicWorld(kitchen).snapshot()
    assert snap["robot_at"] == "near counter" and snap["clean"] == {"spill": False}
    assert snap["objects"]["sponge"] == "sink"


def test_a_door_is_part_of_the_state_its_copies_and_its_key():
    from saycan.world.scene import load_scene

    world = SymbolicWorld(load_scene("garage"))
    assert world.is_closed("freezer") and not world.is_closed("shelf")
    copy = world.copy()
    world.move_robot("freezer")
    copy.move_robot("freezer")
    with pytest.raises(SkillFailure, match="the freezer is closed"):
        world.grasp("ice pops")
    world.open("freezer")
    assert world.key() != copy.key() and world.snapshot()["closed"] == ["tool cabinet"]
    assert world.as_scene().opened == ("freezer",) and copy.is_closed("freezer")
    with pytest.raises(SkillFailure, match="has no door"):
        world.open("shelf")


def test_a_dropped_object_lies_on_the_floor_and_is_taken_only_from_where_it_is_reached(kitchen):
    world = SymbolicWorld(kitchen)
    world.grasp("apple")
    world.drop("apple", reach="table")
    assert world.holding is None and world.location_of("apple") == FLOOR and world.reach_from("apple") == "table"
    assert world.on_floor == ("apple",) and world.snapshot()["objects"]["apple"] == "floor"
    assert world.as_scene().objects["apple"] == "table"  # a scene has no floor: where it is reached from
    with pytest.raises(SkillFailure, match="lies on the floor, reachable from the table"):
        world.grasp("apple")
    before = world.copy()
    assert before.key() == world.key() and before.reach_from("apple") == "table"
    world.move_robot("table")
    world.grasp("apple")
    assert world.holding == "apple" and world.on_floor == () and before.on_floor == ("apple",)


def test_an_object_on_the_floor_out_of_reach_cannot_be_taken_from_anywhere(kitchen):
    world = SymbolicWorld(kitchen)
    world.drop("orange", reach=None)
    assert world.reach_from("orange") is None and world.as_scene().objects["orange"] == world.robot_at
    with pytest.raises(SkillFailure, match="reachable from nowhere the robot can stand"):
        world.grasp("orange")
    with pytest.raises(KeyError, match="unknown location 'garden'"):
        world.drop("apple", reach="garden")
