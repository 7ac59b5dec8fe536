"""saycan/errors.py: the hint every error about a bad value ends with."""

from saycan.errors import choices_hint


def test_hint_lists_the_valid_choices_and_the_nearest():
    assert choices_hint("spnge", ["sponge", "apple"]) == "valid: 'apple', 'sponge'. Did you mean 'sponge'?"


def test_hint_with_no_choices_says_there_are_none():
    assert choices_hint("apple", []) == "there are none."
