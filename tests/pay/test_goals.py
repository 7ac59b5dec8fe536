"""saycan/pay/goals.py: the goals a request may ask for, in words a scorer can compare with it."""

from saycan.pay.goals import compatible, describe, pairs, singles
from saycan.world.predicates import Predicate


def test_every_object_can_be_brought_held_found_or_put_anywhere_and_spills_wiped(kitchen):
    goals = {c.text: c.predicates for c in singles(kitchen)}
    water = "the water bottle (drink, water, unsweetened, healthy, bottle, clear)"  # described without its place
    assert goals[f"bring {water} to the user"] == {Predicate("at", ("water bottle", "you"))}
    assert goals[f"throw {water} away in the trash can"] == {Predicate("at", ("water bottle", "trash can"))}
    assert goals["wipe the spill on the table clean"] == {Predicate("clean", ("spill",))}
    assert goals["go to the sink"] == {Predicate("robot_at", ("sink",))}
    assert not any(t.startswith("put down") for t in goals)  # only for what the robot holds at the start
    holding = kitchen.with_init({"holding": "apple", "robot_at": "table"})
    assert any(c.text.startswith("put down the apple") for c in singles(holding))


def test_pairs_join_goals_about_different_things(kitchen):
    ones = {c.text.split(" (")[0]: c for c in singles(kitchen)}
    apple, orange = ones["bring the apple"], ones["bring the orange"]
    hold_apple = ones["pick up the apple"]
    assert compatible(apple, orange) and not compatible(apple, hold_apple)
    (both,) = pairs([apple, orange])
    assert (
        both.objects == {"apple", "orange"} and both.text.startswith("bring the apple") and ", and bring" in both.text
    )


def test_places_with_a_door_can_be_asked_open_or_shut_and_goals_of_three_join_distinct_things():
    from saycan.world.scene import load_scene

    office = load_scene("office")
    goals = {c.text: c.predicates for c in singles(office)}
    assert goals["open the mini fridge"] == {Predicate("open", ("mini fridge",))}
    assert not any(t.startswith("close the") for t in goals)  # every door is shut at the start
    opened = office.with_init({"opened": ["mini fridge"]})
    assert {Predicate("closed", ("mini fridge",))} in [c.predicates for c in singles(opened)]
    ones = {c.text.split(" (")[0]: c for c in singles(office)}
    trio = [ones["bring the banana"], ones["bring the granola bar"], ones["bring the stapler"]]
    (three,) = pairs(trio, size=3)
    assert three.objects == {"banana", "granola bar", "stapler"} and len(three.parts) == 3
    assert not compatible(ones["open the mini fridge"], ones["open the mini fridge"])
    assert describe(office, "yogurt cup", place=True).endswith("in the mini fridge")  # a door: "in"
    assert describe(office, "banana", place=True).endswith("on the coffee table")
