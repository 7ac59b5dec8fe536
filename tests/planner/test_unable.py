"""Requests for an action no skill does: refused before any step, unless a skill or a place of the scene serves them."""

import pytest

from saycan.envs.symbolic import SymbolicEnv
from saycan.planner.unable import unable_verbs
from tests.planners import make_planner
from tests.scorers import PreferenceScorer

KITCHEN_SKILLS = ["find the {object}", "pick up the {object}", "put down the {object}", "wipe the {spill}", "done"]
PLACES = ["far counter", "near counter", "table", "sink", "trash can", "you"]


@pytest.mark.parametrize(
    ("request_text", "verbs"),
    [
        ("fold the laundry", ["fold"]),
        ("Please, could you turn on the TV?", ["turn on"]),
        ("bring me a coke and wash the apple", ["wash"]),
        ("I want you to iron my shirt, then heat up the soup", ["iron", "heat up"]),
        ("switch off the lights", ["switch off"]),
        ("I'm thirsty, water please", []),  # a noun, not a verb: nothing after it is its object
        ("bring me the hammer and a saw", []),
        ("I need to drive a nail into this board", []),  # the person's action: the robot brings the hammer
        ("switch the coke can and the sprite can", []),  # swapping them is pick and place
        ("clean the spill", []),
    ],
)
def test_a_clause_opening_with_a_verb_no_skill_does_is_found(request_text, verbs):
    assert unable_verbs(request_text, KITCHEN_SKILLS, PLACES) == verbs


def test_a_skill_with_that_verb_makes_the_request_doable():
    assert unable_verbs("heat the soup", KITCHEN_SKILLS) == ["heat"]
    assert unable_verbs("heat the soup", [*KITCHEN_SKILLS, "heat the {object}"]) == []


def test_a_clause_that_puts_something_at_a_place_of_the_scene_is_planned():
    assert unable_verbs("wash the apple in the sink", KITCHEN_SKILLS, PLACES) == []
    assert unable_verbs("wash the apple in the sink", KITCHEN_SKILLS, ["table"]) == ["wash"]


def test_a_request_no_skill_can_do_is_refused_and_moves_nothing_even_when_asking(kitchen, capsys):
    for ask in ("none", "conformal"):
        planner = make_planner(PreferenceScorer(["find the sponge", "done"]), ask=ask)
        trace = planner.plan("fold the laundry", SymbolicEnv(kitchen))
        assert trace.stop_reason == "not_possible" and trace.plan == [] and trace.questions == []
        assert trace.warnings[0].startswith("no skill of this robot can fold (its skills: find, pick_up")
    assert "no skill of this robot can fold" in capsys.readouterr().err
