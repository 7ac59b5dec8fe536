"""saycan/tasks/family_weights.py: drafts of each family a round, checked by name."""

import pytest

from saycan.errors import ConfigError
from saycan.tasks.family_weights import check_weights
from saycan.world.suite import FAMILIES


def test_unweighted_families_are_drawn_once_a_round():
    assert check_weights(None) == dict.fromkeys(FAMILIES, 1)
    assert check_weights({"long_horizon": 2}) == {**dict.fromkeys(FAMILIES, 1), "long_horizon": 2}


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"dance": 2}, r"unknown family 'dance'; valid: primitive, "),
        ({"crowd": 0}, r"family_weights.crowd=0: must be a whole number"),
        ({"crowd": 1.5}, r"family_weights.crowd=1.5: must be a whole number"),
        ({"crowd": True}, r"family_weights.crowd=True: must be a whole number"),
        (3, r"family_weights=3: must map families to drafts a round, e.g. \{long_horizon: 2\}"),
    ],
)
def test_bad_family_weights_are_refused_by_name(weights, message):
    with pytest.raises(ConfigError, match=message):
        check_weights(weights)
