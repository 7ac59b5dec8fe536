"""saycan/eval/judge.py: a plan that also moves what nobody asked about has failed."""

import pytest

from saycan.envs.symbolic import SymbolicEnv
from saycan.eval.judge import judge
from saycan.skill import make_library
from saycan.world.predicates import parse_goal
from saycan.world.state import SymbolicWorld

SKILLS = {s.id: s for s in make_library(library="skills")}


def run(scene, steps):
    env = SymbolicEnv(scene)
    for text in steps:
        option = next(o for s in SKILLS.values() for o in s.options(env.world) if o.text == text)
        assert env.execute(SKILLS[option.skill], option).success, text
    return env.world


THROW = ["find the jalapeno chips", "pick up the jalapeno chips", "go to the trash can", "put down the jalapeno chips"]
ALSO_RICE = ["find the rice chips", "pick up the rice chips", "go to the trash can", "put down the rice chips"]


@pytest.mark.parametrize(
    ("steps", "finished", "success", "reached", "side"),
    [
        (THROW, True, True, True, []),
        (THROW + ALSO_RICE, True, False, True, ["rice chips"]),  # threw away food nobody asked about
        (THROW, False, False, False, []),  # never said done
        (THROW[:2], True, False, False, []),  # stopped half-way
    ],
)
def test_side_effects_fail_a_plan_that_reaches_the_goal(kitchen, steps, finished, success, reached, side):
    goal = parse_goal("at(jalapeno chips, trash can)", kitchen)
    verdict = judge(goal, kitchen, run(kitchen, steps), finished)
    assert (verdict.success, verdict.goal_reached, verdict.side_effects) == (success, reached, side)


def test_tools_a_clause_needs_may_move_and_so_may_what_the_task_lists(kitchen):
    clean = ["find the sponge", "pick up the sponge", "go to the table", "wipe the spill"]
    goal = parse_goal("clean(spill)", kitchen)
    assert judge(goal, kitchen, run(kitchen, clean), True, tools=["sponge"]).success
    assert judge(goal, kitchen, run(kitchen, clean), True).side_effects == ["sponge"]
    bring = ["find the apple", "pick up the apple", "bring it to you", "put down the apple"]
    also = [*clean, "put down the sponge", *bring]
    assert not judge(goal, kitchen, run(kitchen, also), True, tools=["sponge"]).success
    assert judge(goal, kitchen, run(kitchen, also), True, tools=["sponge"], may_move=["apple"]).success


def test_with_several_clauses_the_one_that_holds_with_fewest_side_effects_counts(kitchen):
    goal = parse_goal("at(apple, you) or at(orange, you) and at(apple, you)", kitchen)
    both = ["find the apple", "pick up the apple", "bring it to you", "put down the apple",
            "find the orange", "pick up the orange", "bring it to you", "put down the orange"]  # fmt: skip
    assert judge(goal, kitchen, run(kitchen, both), True).success  # the second clause names both


def test_an_object_held_at_the_start_and_put_down_where_the_robot_stood_has_not_moved(kitchen):
    scene = kitchen.with_init({"robot_at": "table", "holding": "orange"})
    goal = parse_goal("at(apple, you)", scene)
    steps = ["put down the orange", "find the apple", "pick up the apple", "bring it to you", "put down the apple"]
    assert judge(goal, scene, run(scene, steps), True).success
    carried = ["go to the sink", "put down the orange", "find the apple", "pick up the apple", "bring it to you",
               "put down the apple"]  # fmt: skip
    assert judge(goal, scene, run(scene, carried), True).side_effects == ["orange"]


def test_a_door_left_open_is_a_side_effect_unless_the_request_asked_it_open():
    from saycan.world.scene import load_scene

    office = load_scene("office")
    world = SymbolicWorld(office)
    world.move_robot("mini fridge")
    world.open("mini fridge")
    world.grasp("yogurt cup")
    world.move_robot("you")
    world.release("yogurt cup")
    goal = parse_goal("at(yogurt cup, you)", office)
    verdict = judge(goal, office, world, finished=True)
    assert not verdict.success and verdict.goal_reached and verdict.side_effects == ["the mini fridge left open"]
    assert judge(parse_goal("open(mini fridge)", office), office, world, True).side_effects == ["yogurt cup"]
    world.move_robot("mini fridge")
    world.close("mini fridge")
    assert judge(goal, office, world, finished=True).success
