"""The kitchen skill library (skills/): templates, value functions, effects."""

import pytest

import skills
from saycan.envs.symbolic import SymbolicEnv
from saycan.world.state import SymbolicWorld


@pytest.fixture
def library():
    return {s.id: s for s in skills.make_library()}


def _option(library, world, text):
    return next(o for s in library.values() for o in s.options(world) if o.text == text)


def test_kitchen_templates_expand_over_the_scene(kitchen, library):
    world = SymbolicWorld(kitchen)
    texts = [o.text for s in library.values() for o in s.options(world)]
    assert "pick up the sponge" in texts and "go to the trash can" in texts and "wipe the spill" in texts
    assert "go to the you" not in texts  # the user is reached with "bring it to you"
    assert len(texts) == 9 * 3 + 5 + 3


@pytest.mark.parametrize(
    ("steps", "text", "feasible"),
    [
        ([], "find the sponge", True),
        ([], "find the apple", True),  # already at the apple: succeeds at once, as in the sim
        (["pick up the apple"], "find the apple", False),  # in the hand
        ([], "pick up the sponge", False),  # the sponge is at the sink
        ([], "pick up the apple", True),
        ([], "go to the near counter", False),  # already there
        ([], "wipe the spill", False),
        ([], "bring it to you", False),  # holding nothing
        (["find the sponge", "pick up the sponge"], "wipe the spill", False),  # not at the table
        (["find the sponge", "pick up the sponge", "go to the table"], "wipe the spill", True),
        (["pick up the apple"], "pick up the orange", False),  # hand full
        (["pick up the apple"], "bring it to you", True),
        ([], "done", True),
    ],
)
def test_value_functions_follow_preconditions(kitchen, library, steps, text, feasible):
    env = SymbolicEnv(kitchen)
    for step in steps:
        option = _option(library, env.world, step)
        assert env.execute(library[option.skill], option).success
    option = _option(library, env.world, text)
    assert (library[option.skill].value(env.world, **option.kwargs) > 0) == feasible


def test_infeasible_skill_fails_when_executed(kitchen, library):
    env = SymbolicEnv(kitchen)
    option = _option(library, env.world, "wipe the spill")
    result = env.execute(library["wipe"], option)
    assert not result.success and "not holding the sponge" in result.message


def test_clean_the_spill_plan_cleans_it(kitchen, library):
    env = SymbolicEnv(kitchen)
    for text in ["find the sponge", "pick up the sponge", "go to the table", "wipe the spill"]:
        option = _option(library, env.world, text)
        assert env.execute(library[option.skill], option).success, text
    assert env.world.is_clean("spill")


def test_doors_are_opened_before_taking_or_leaving_anything_and_only_places_with_one_get_the_options(library):
    from saycan.world.scene import load_scene

    world = SymbolicWorld(load_scene("office").with_init({"robot_at": "mini fridge"}))
    texts = {o.text for s in library.values() for o in s.options(world)}
    assert "open the mini fridge" in texts and "close the filing cabinet" in texts and "open the desk" not in texts
    pick = _option(library, world, "pick up the yogurt cup")
    assert library["pick_up"].value(world, **pick.kwargs) == 0.0  # behind a closed door
    opening = _option(library, world, "open the mini fridge")
    assert library["open"].value(world, **opening.kwargs) > 0 and library["close"].value(world, **opening.kwargs) == 0
    library["open"].apply(world, **opening.kwargs)
    assert library["pick_up"].value(world, **pick.kwargs) > 0 and not world.is_closed("mini fridge")
    library["pick_up"].apply(world, **pick.kwargs)
    library["close"].apply(world, **opening.kwargs)
    put = _option(library, world, "put down the yogurt cup")
    assert library["put_down"].value(world, **put.kwargs) == 0.0  # not into a closed fridge
    far = _option(library, world, "open the filing cabinet")
    assert library["open"].value(world, **far.kwargs) == 0.0  # not from across the room


def test_a_fallen_object_is_found_and_picked_up_from_the_place_it_is_reached_from(kitchen, library):
    env = SymbolicEnv(kitchen)
    env.world.drop("apple", reach="table")
    env.world.drop("orange", reach=None)
    assert _option(library, env.world, "pick up the apple").skill == "pick_up"
    assert library["pick_up"].value(env.world, object="apple") == 0  # the robot is at the near counter
    assert library["find"].value(env.world, object="orange") == 0  # out of reach from every place
    result = env.execute(library["find"], _option(library, env.world, "find the orange"))
    assert not result.success and "lies on the floor out of reach" in result.message
    for text in ["find the apple", "pick up the apple"]:
        assert env.execute(library[_option(library, env.world, text).skill], _option(library, env.world, text)).success
    assert env.world.holding == "apple" and env.world.robot_at == "table"
