"""saycan/plan_search.py: shortest plans over the skill library, leaving everything else where it was."""

import pytest

from saycan.plan_search import PlanSearch
from saycan.skill import make_library
from saycan.world.predicates import parse_goal
from saycan.world.state import SymbolicWorld

SKILLS = {s.id: s for s in make_library(library="skills")}


@pytest.fixture
def search():
    return PlanSearch(SKILLS)


def test_progress_is_the_distance_and_every_first_step_of_a_shortest_plan(kitchen, search):
    progress = search.progress(SymbolicWorld(kitchen), parse_goal("clean(spill)", kitchen))
    assert progress.distance == 4 and progress.steps == {"find the sponge", "go to the sink"}
    assert search.progress(SymbolicWorld(kitchen), parse_goal("robot_at(near counter)", kitchen)).distance == 0


def test_either_clause_counts_and_no_op_steps_are_no_progress(kitchen, search):
    progress = search.progress(SymbolicWorld(kitchen), parse_goal("at(apple, you) or at(orange, you)", kitchen))
    assert progress.distance == 3 and progress.steps == {"pick up the apple", "pick up the orange"}
    assert "find the apple" not in progress.steps  # the robot already stands at the apple


def test_a_held_object_is_put_back_where_the_robot_stood_not_carried_along(kitchen, search):
    scene = kitchen.with_init({"holding": "orange", "robot_at": "table"})
    goal = search.undisturbed(parse_goal("at(apple, you)", scene), scene)
    plan = search.shortest_plan(SymbolicWorld(scene), goal)
    assert plan == [
        "put down the orange",
        "find the apple",
        "pick up the apple",
        "bring it to you",
        "put down the apple",
    ]
    assert search.undisturbed(parse_goal("at(orange, you)", scene), scene) == parse_goal("at(orange, you)", scene)


def test_an_unreachable_goal_has_no_distance(kitchen):
    no_bring = {k: v for k, v in SKILLS.items() if k != "bring"}  # nothing else reaches the user
    progress = PlanSearch(no_bring).progress(SymbolicWorld(kitchen), parse_goal("at(apple, you)", kitchen))
    assert progress.distance is None and not progress.steps


def test_a_shortest_plan_closes_every_door_it_opened():
    from saycan.world.scene import load_scene

    garage = load_scene("garage")
    search = PlanSearch({s.id: s for s in make_library(library="skills")})
    goal = search.undisturbed(parse_goal("at(hammer, you)", garage), garage)
    plan = search.shortest_plan(SymbolicWorld(garage), goal)
    assert plan == ["find the hammer", "open the tool cabinet", "pick up the hammer", "close the tool cabinet",
                    "bring it to you", "put down the hammer"]  # fmt: skip
    opened = garage.with_init({"opened": ["tool cabinet"]})  # open at the start: it may stay open
    assert "close the tool cabinet" not in search.shortest_plan(SymbolicWorld(opened), search.undisturbed(
        parse_goal("at(hammer, you)", opened), opened))  # fmt: skip


@pytest.mark.parametrize("goal_text", ["clean(spill)", "at(apple, trash can) and at(coke can, you)"])
def test_a_state_along_a_found_shortest_plan_is_answered_without_a_search_as_a_new_search_would(
    kitchen, search, monkeypatch, goal_text
):
    goal = search.undisturbed(parse_goal(goal_text, kitchen), kitchen)
    world = SymbolicWorld(kitchen)
    plan = search.shortest_plan(world, goal)
    first = search.progress(world, goal)
    states = search.along(kitchen, plan)
    fresh = [PlanSearch(SKILLS).progress(state, goal) for state in states]
    monkeypatch.setattr(search, "_search", lambda *a: pytest.fail("searched a state a search already answered"))
    assert [search.progress(state, goal) for state in states] == fresh
    assert fresh[0] == first and [p.distance for p in fresh] == list(range(len(plan), -1, -1))
    assert all(step in p.steps for step, p in zip(plan, fresh, strict=False))


def test_a_state_off_every_found_path_is_searched_anew(kitchen, search):
    goal = parse_goal("at(apple, you)", kitchen)
    world = SymbolicWorld(kitchen)
    search.progress(world, goal)
    SKILLS["go_to"].apply(world, location="sink")  # no shortest plan goes to the sink
    assert search.progress(world, goal) == PlanSearch(SKILLS).progress(world, goal)
    assert search.progress(world, goal).distance == 4  # back, pick up, bring, put down
