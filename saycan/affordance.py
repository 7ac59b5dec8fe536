"""Affordance models, the "can" of SayCan: p(success | state) for every candidate option."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from saycan.envs.base import PlanEnv
from saycan.errors import ConfigError
from saycan.registry import Registry
from skills.skill import Option, Skill


class AffordanceModel(Protocol):
    def __call__(self, env: PlanEnv, skills: Mapping[str, Skill], options: Sequence[Option]) -> list[float]:
        """Value of every option in ``env``'s current state (``env.world``; ``env.sim`` in the sim).

        Returns:
            (n_options,) p(success | state), each in [0, 1].
        """
        ...


class StateAffordance:
    """Each skill's own value function, read from the symbolic state."""

    def __call__(self, env: PlanEnv, skills: Mapping[str, Skill], options: Sequence[Option]) -> list[float]:
        return [checked_value(skills[o.skill].value(env.world, **o.kwargs), o) for o in options]


class NoAffordance:
    """The "no value function" ablation: every option is equally feasible."""

    def __call__(self, env: PlanEnv, skills: Mapping[str, Skill], options: Sequence[Option]) -> list[float]:
        return [1.0] * len(options)


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


registry: Registry[AffordanceModel] = Registry("affordance")
registry.register("state", StateAffordance)
registry.register("none", NoAffordance)
registry.register("learned", "saycan.value.affordance:LearnedAffordance")


def make(id: str, **kwargs: Any) -> AffordanceModel:
    return registry.make(id, **kwargs)
