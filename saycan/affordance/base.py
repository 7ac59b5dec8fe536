"""What an affordance model is: p(success | state) for every candidate option, range-checked."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from saycan.envs.base import EnvView
from saycan.errors import ConfigError
from saycan.skill import Option, Skill


class AffordanceModel(Protocol):
    def __call__(self, env: EnvView, skills: Mapping[str, Skill], options: Sequence[Option]) -> list[float]:
        """Value of every option in ``env``'s current state (``env.world``; ``env.sim`` in the sim).

        Returns:
            (n_options,) p(success | state), each in [0, 1].
        """
        ...


def checked_value(value: Any, option: Option) -> float:
    """A value function's output as a float in [0, 1]; anything else names the skill and fails."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"value function of skill {option.skill!r} returned {value!r} for {option.text!r}; "
            "it must return a probability in [0, 1]"
        ) from None
    if not math.isfinite(v) or not 0.0 <= v <= 1.0:
        raise ConfigError(
            f"value function of skill {option.skill!r} returned {v!r} for {option.text!r}; "
            "it must return a probability in [0, 1]"
        )
    return v
