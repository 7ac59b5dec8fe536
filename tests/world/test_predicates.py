import pytest

from saycan.errors import ConfigError
from saycan.world.predicates import goal_reached, parse_goal, parse_predicate
from saycan.world.state import SymbolicWorld


def test_predicates_read_the_world(kitchen):
    world = SymbolicWorld(kitchen)
    assert parse_predicate("at(apple, near counter)", kitchen).holds(world)
    assert parse_predicate("robot_at(near counter)", kitchen).holds(world)
    assert not parse_predicate("clean(spill)", kitchen).holds(world)
    world.grasp("apple")
    assert parse_predicate("holding(apple)", kitchen).holds(world)


def test_goal_is_any_clause_with_all_its_predicates(kitchen):
    world = SymbolicWorld(kitchen)
    goal = parse_goal([["at(apple, you)"], ["at(orange, near counter)", "robot_at(near counter)"]], kitchen)
    assert goal_reached(goal, world)
    world.move_robot("table")
    assert not goal_reached(goal, world)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("at(banana, you)", "unknown name 'banana'"),
        ("at(apple, moon)", "unknown location 'moon'"),
        ("near(apple, you)", "unknown predicate 'near'"),
        ("holding(apple, you)", "takes 1 argument"),
        ("apple is here", "is not a predicate"),
    ],
)
def test_bad_predicates_say_what_is_wrong(kitchen, text, message):
    with pytest.raises(ConfigError, match=message):
        parse_predicate(text, kitchen)


def test_open_and_closed_name_only_places_with_a_door():
    from saycan.world.scene import load_scene

    office = load_scene("office")
    world = SymbolicWorld(office)
    assert parse_predicate("closed(mini fridge)", office).holds(world)
    assert not parse_predicate("open(mini fridge)", office).holds(world)
    with pytest.raises(ConfigError, match="the desk has no door"):
        parse_predicate("open(desk)", office)
