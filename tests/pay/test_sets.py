"""saycan/pay/sets.py: the objects a request asks for as a set, and Pay's reading of set requests."""

import pytest

from saycan.errors import ConfigError
from saycan.pay.sets import set_objects, singular_forms
from saycan.world.scene import load_scene
from saycan.world.state import SymbolicWorld

KITCHEN = load_scene("kitchen")  # drinks on the far counter, fruit and snacks on the near counter


def test_plurals_are_read_back_to_their_singular():
    assert {"tool", "tools"} <= singular_forms("tools")
    assert "berry" in singular_forms("berries") and "box" in singular_forms("boxes")


@pytest.mark.parametrize(
    ("request_text", "wanted"),
    [
        ("bring me all the drinks", {"coke can", "sprite can", "water bottle"}),  # an attribute, anywhere
        ("throw away all the chips on the near counter", {"jalapeno chips"}),  # a name's last word, at a place
        ("bring me everything from the far counter", {"coke can", "sprite can", "water bottle", "rice chips"}),
        ("put every drink from the far counter on the table", {"coke can", "sprite can", "water bottle"}),
        ("put all the fruit on the near counter", set()),  # the fruit is there already: where they go
        ("put all the snacks on the far counter", {"apple", "orange", "energy bar", "jalapeno chips"}),
        ("bring me the apple", set()),  # no quantifier
        ("bring me both any fruit and any soda", set()),  # two things, each read on its own
        ("trash both the apple and the coke can", set()),  # named: `named_objects` reads them
        ("bring me both snacks from the far counter", {"rice chips"}),
        ("bring me a drink, I'm all out", set()),  # "all" picks nothing out
        ("do everything you can", set()),  # "everything" at no place is no set
        ("bring me all the spaceships", set()),  # words that pick out no object
    ],
)
def test_the_set_is_the_objects_the_words_pick_out_at_the_place_named(request_text, wanted):
    assert set_objects(request_text, KITCHEN) == wanted


def test_a_set_request_is_read_as_its_objects_and_nothing_else():
    from saycan.pay.pay import LearnedPay

    garage = SymbolicWorld(load_scene("garage"))  # the hammer and the screwdriver are in the tool cabinet
    request = "put all the tools on the workbench away in the tool cabinet"
    goal = LearnedPay().goals(request, garage)[0][0]
    assert goal.objects == {"tape measure", "flashlight"}
    assert all(p.args[1] == "tool cabinet" for p in goal.predicates)
    alone = LearnedPay(read_sets=False).goals(request, garage)[0][0]  # the shipped checkpoint's own reading
    assert "hammer" in alone.objects


def test_a_set_request_is_read_as_all_of_its_set_not_a_part_of_it():
    from saycan.pay.pay import LearnedPay

    garage = SymbolicWorld(load_scene("garage"))  # the empty bottle and the old newspaper are in the car
    goals = LearnedPay().goals("recycle all the recyclables in the car", garage)
    best, score = goals[0]
    assert best.objects == {"empty bottle", "old newspaper"}
    assert all(p.args[1] == "recycling bin" for p in best.predicates)
    # a goal recycling one of them (and leaving the other where it is) is read as far less likely: not done after one
    assert all(other < score - 4 for _, other in goals[1:])


def test_a_bad_read_sets_or_read_needs_is_a_one_line_error():
    from saycan.pay.pay import LearnedPay

    with pytest.raises(ConfigError, match="pay.read_sets='yes'"):
        LearnedPay(read_sets="yes")
    with pytest.raises(ConfigError, match="pay.read_needs=1"):
        LearnedPay(read_needs=1)
