"""saycan/eval/grown.py: a suite's requests for a kind of thing, in a grown scene, accept its things of that kind."""

from pathlib import Path

from saycan.eval.grown import widen
from saycan.eval.workers import load_eval_suite
from saycan.world.predicates import Predicate
from saycan.world.scene import load_scene
from saycan.world.suite import Task

KITCHEN, LARGE = load_scene("kitchen"), load_scene("kitchen_large")


def task(instruction, *objects, place="you"):
    return Task("t", "nouns", instruction, LARGE, tuple((Predicate("at", (o, place)),) for o in objects))


def objects_of(t):
    return {alt[0].args[0] for alt in t.goal}


def test_a_request_for_a_kind_accepts_the_grown_scenes_things_of_that_kind():
    widened = widen(task("I need some fruit", "apple", "orange"), KITCHEN, LARGE)
    assert {"apple", "orange", "pear", "banana"} <= objects_of(widened)
    assert not objects_of(widened) & {"almonds", "coke can", "pepsi can"}
    assert {alt[0].args[1] for alt in widened.goal} == {"you"}


def test_a_name_said_or_a_lone_object_of_no_kind_is_left_as_written():
    named = task("throw away the energy bar", "energy bar", place="trash can")
    assert widen(named, KITCHEN, LARGE) == named
    # the energy bar is described as a protein bar, which the grown kitchen has
    assert objects_of(widen(task("bring me the protein bar", "energy bar"), KITCHEN, LARGE)) == {
        "energy bar",
        "protein bar",
    }
    two_places = Task(
        "t", "nouns", "a snack", LARGE, ((Predicate("at", ("apple", "you")),), (Predicate("at", ("orange", "table")),))
    )
    assert widen(two_places, KITCHEN, LARGE) == two_places


def test_the_kitchen_suite_in_the_grown_kitchen_widens_only_its_requests_for_a_kind():
    suites = Path(__file__).resolve().parents[2] / "suites"
    grown = load_eval_suite(suites / "kitchen.yaml", "kitchen_large")
    plain = load_eval_suite(suites / "kitchen.yaml")
    changed = {a.instruction for a, b in zip(grown.tasks, plain.tasks, strict=True) if a.goal != b.goal}
    assert "bring me a snack" in changed and "I'm hungry" in changed
    assert not {"bring me the apple", "throw away the energy bar", "bring me a drink and a snack"} & changed
