"""Requests for what the scene lacks: refused, or (asking) planned with an object of its kind the person chose."""

import pytest

from saycan.envs.symbolic import SymbolicEnv
from saycan.planner.missing import SUBSTITUTE, ask_instead, missing_in, substitutes
from tests.planners import make_planner
from tests.scorers import PreferenceScorer

BANANA = {"banana": ["apple", "orange"]}


def test_the_chosen_object_replaces_the_missing_one_plural_and_case_alike():
    def pick_orange(options):
        assert [o.skill for o in options] == [SUBSTITUTE] * 2
        return options[1]

    read, questions = ask_instead("Bring me two Bananas, then the banana bread", BANANA, pick_orange)
    assert read == "Bring me two orange, then the orange bread"
    assert questions[0].options == ["the apple instead of the banana", "the orange instead of the banana"]
    assert questions[0].answer == "the orange instead of the banana" and questions[0].by == "person"


def test_none_of_these_nobody_or_nothing_of_its_kind_leaves_nothing_to_plan(capsys):
    assert ask_instead("bring me the banana", BANANA, lambda options: None)[0] is None
    read, questions = ask_instead("bring me the banana", BANANA, None)
    assert read is None and questions[0].by == "fallback" and questions[0].answer is None
    assert "nobody answered whether to take apple, orange instead of the banana" in capsys.readouterr().err
    assert ask_instead("make me a cup of coffee", {"cup": []}, lambda options: options[0]) == (None, [])


def test_an_answer_that_was_not_offered_is_an_error():
    with pytest.raises(ValueError, match="'the pear instead of the banana' is not one of the options"):
        ask_instead("bring me the banana", BANANA, lambda options: "the pear instead of the banana")


def test_substitutes_share_the_score_equally():
    assert [o.combined for o in substitutes("banana", ["apple", "orange"])] == [0.5, 0.5]


def test_an_asking_planner_plans_the_request_with_the_object_the_person_chose(kitchen):
    planner = make_planner(PreferenceScorer(["find the orange", "done"]), ask="conformal")
    env = SymbolicEnv(kitchen)
    assert missing_in("bring me the banana", env.world) == BANANA
    trace = planner.plan("bring me the banana", env, ask=lambda options: options[1] if len(options) == 2 else None)
    assert trace.meta["read_as"] == "bring me the orange" and trace.instruction == "bring me the banana"
    assert trace.questions[0].answer == "the orange instead of the banana" and trace.plan[0] == "find the orange"


@pytest.mark.parametrize(
    ("request_text", "missing"),
    [
        ("put the coke can in the fridge", {"fridge": []}),  # the kitchen has no place with a door
        ("bring me the apple from the pantry", {"pantry": []}),
        ("put the apple on the dining table", {"dining table": ["far counter", "near counter", "table", "sink"]}),
        ("put the apple on the table", {}),  # the kitchen's own place
        ("put the apple on my kitchen table", {"kitchen table": ["far counter", "near counter", "table", "sink"]}),
        ("let it sink in", {}),  # no "the": no place
        ("throw it in the rubbish bin", {}),  # any bin will do: bins are never missing
    ],
)
def test_places_the_scene_lacks_are_missing_with_the_places_of_their_kind(kitchen, request_text, missing):
    assert missing_in(request_text, SymbolicEnv(kitchen).world) == missing


def test_a_place_among_the_scenes_own_words_is_not_missing(kitchen):
    from saycan.world.scene import scene_from_dict

    office = scene_from_dict(
        {"name": "office", "locations": ["standing desk", "supply closet", "trash can", "you"],
         "objects": {"stapler": "standing desk"}, "robot": {"at": "standing desk"}, "closed": ["supply closet"]},
        source="test",
    )  # fmt: skip
    world = SymbolicEnv(office).world
    assert missing_in("put the stapler on the desk", world) == {}  # "desk" is a word of "standing desk"
    assert missing_in("put the stapler in the cupboard", world) == {"cupboard": ["supply closet"]}  # doors alike


def test_a_request_for_a_missing_place_is_refused_and_moves_nothing(kitchen):
    planner = make_planner(PreferenceScorer(["find the coke can", "done"]))
    trace = planner.plan("put the coke can in the fridge", SymbolicEnv(kitchen))
    assert trace.stop_reason == "not_possible" and trace.plan == []
    assert trace.warnings == ["the scene has no fridge, so the robot did nothing"]
