"""saycan/pay/named.py: which objects a request names as wanted, and the bonus Pay's reading gives them."""

import pytest

from saycan.errors import ConfigError
from saycan.pay.named import NAMED_BONUS, named_objects
from saycan.storage.resources import conf_dir
from saycan.world.scene import load_scene
from saycan.world.state import SymbolicWorld

OBJECTS = ["apple", "orange", "coffee mug", "mug", "coke can", "lemon-lime soda"]


@pytest.mark.parametrize(
    ("request_text", "wanted"),
    [
        ("bring me the apple", {"apple"}),
        ("throw away the apples and the orange", {"apple", "orange"}),  # plurals count
        ("hand me the coffee mug", {"coffee mug"}),  # the longest name takes its words: not also "mug"
        ("the mug and the coffee mug", {"mug", "coffee mug"}),
        ("any fruit but the apple", set()),  # a negation before the name: not wanted
        ("a fruit other than the orange, and the coke can", {"coke can"}),
        ("bring me something to drink", set()),
        ("pineapple juice please", set()),  # inside another word
        ("a lemon-lime soda", {"lemon-lime soda"}),
        ("an orange-flavoured drink", set()),  # part of a hyphenated word is not the name
    ],
)
def test_names_are_whole_words_longest_first_and_never_under_a_negation(request_text, wanted):
    assert named_objects(request_text, OBJECTS) == wanted


def test_a_named_object_outweighs_a_similar_one_the_model_alone_prefers():
    from saycan.pay.pay import LearnedPay

    garage = SymbolicWorld(load_scene(conf_dir() / "scene" / "garage.yaml"))
    request = "open the tool cabinet, take the screwdriver and bring it to me"
    alone = LearnedPay(named_bonus=0.0).goals(request, garage)
    assert alone[0][0].text.startswith("bring the hammer")  # the shipped checkpoint's own reading
    read = LearnedPay().goals(request, garage)
    assert read[0][0].text.startswith("bring the screwdriver")
    by_text = dict(alone)
    assert read[0][1] == pytest.approx(by_text[read[0][0]] + NAMED_BONUS, abs=1e-5)


@pytest.mark.parametrize("bad", [-1, "8", True])
def test_a_bad_named_bonus_is_a_one_line_error(bad):
    from saycan.pay.pay import LearnedPay

    with pytest.raises(ConfigError, match="pay.named_bonus="):
        LearnedPay(named_bonus=bad)
