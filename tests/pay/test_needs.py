"""saycan/pay/needs.py: a request in the person's own voice asks for a thing, not for the robot to hold it."""

import pytest

from saycan.pay.needs import own_need
from saycan.world.scene import load_scene
from saycan.world.state import SymbolicWorld


@pytest.mark.parametrize(
    ("request_text", "own"),
    [
        ("I want to drive some nails into the wall", True),
        ("ugh, I'm thirsty", True),
        ("Robot, we need something to eat", True),
        ("I want you to pick up the apple", False),  # asks the robot to hold it
        ("I'd like you to pick the apple up and keep it", False),
        ("grab the hammer", False),  # an order, not the person speaking of themselves
        ("bring me the hammer, I need it", False),
    ],
)
def test_the_first_person_without_a_holding_verb_is_an_own_need(request_text, own):
    assert own_need(request_text) is own


def test_a_need_is_read_as_the_thing_brought_not_held():
    from saycan.pay.pay import LearnedPay

    garage = SymbolicWorld(load_scene("garage"))
    request = "I have to knock a nail into this plank"
    assert LearnedPay().goals(request, garage)[0][0].text.startswith("bring the hammer")
    alone = LearnedPay(read_needs=False).goals(request, garage)[0][0]  # the shipped checkpoint's own reading
    assert alone.text.startswith("pick up the hammer")


def test_an_order_to_hold_is_still_read_as_holding():
    from saycan.pay.pay import LearnedPay

    kitchen = SymbolicWorld(load_scene("kitchen"))
    assert LearnedPay().goals("I want you to pick up the apple", kitchen)[0][0].text.startswith("pick up the apple")
