"""saycan/errors.py: the hint every error about a bad value ends with, and the true-or-false check."""

import pytest

from saycan.errors import ConfigError, choices_hint, require_bool


def test_hint_lists_the_valid_choices_and_the_nearest():
    assert choices_hint("spnge", ["sponge", "apple"]) == "valid: 'apple', 'sponge'. Did you mean 'sponge'?"


def test_hint_with_no_choices_says_there_are_none():
    assert choices_hint("apple", []) == "there are none."


@pytest.mark.parametrize("value", ["false", 0, None])
def test_require_bool_refuses_what_is_not_true_or_false_naming_the_field(value):
    with pytest.raises(ConfigError, match=r"pay.read_sets=.*must be true or false, e.g. pay.read_sets=false"):
        require_bool("pay.read_sets", value, example=False)


def test_require_bool_returns_true_and_false_as_given():
    assert require_bool("x", True) is True and require_bool("x", False) is False
