import logging

import pytest

from saycan.errors import ConfigError
from saycan.policies.limits import ByteBudget, Refusals, ServerLimits


def test_limits_from_config_name_an_unknown_key_and_a_bad_value():
    assert ServerLimits.from_config({"max_connections": 3}).max_connections == 3
    with pytest.raises(ConfigError, match=r"unknown key limits.max_conections.*Did you mean 'max_connections'"):
        ServerLimits.from_config({"max_conections": 3})
    with pytest.raises(ConfigError, match="limits.read_timeout must be a positive number, got 0"):
        ServerLimits(read_timeout=0)
    with pytest.raises(ConfigError, match="max_buffered_bytes=10 is below limits.max_body_bytes=20"):
        ServerLimits(max_body_bytes=20, max_buffered_bytes=10)


def test_each_connection_has_its_own_share_of_the_budget_and_shares_the_rest():
    budget = ByteBudget(400, holders=2)  # 100 bytes of its own each, 200 shared
    assert budget.take(300, held=0) and budget.shared_held == 200  # a large upload fills the shared part
    assert budget.take(60, held=0) and budget.take(40, held=60)  # an ordinary request still fits in its own
    assert not budget.take(1, held=100) and budget.shared_held == 200  # beyond its own: refused, nothing taken
    budget.give_back(300)
    assert budget.shared_held == 0 and budget.take(101, held=0)


def test_each_refusal_is_one_warning_with_a_running_count_and_no_traceback(caplog):
    refuse = Refusals()
    with caplog.at_level(logging.WARNING, logger="saycan.serve_policy"):
        refuse("limits.max_depth", "too deep")
        refuse("limits.max_depth", "too deep again")
    assert [r.getMessage() for r in caplog.records] == [
        "refused (limits.max_depth, 1 so far): too deep",
        "refused (limits.max_depth, 2 so far): too deep again",
    ]
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in caplog.records)
