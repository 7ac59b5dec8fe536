"""`StateAffordance`: each skill's own value function, read from the symbolic state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from saycan.affordance.base import checked_value
from saycan.envs.base import EnvView
from saycan.skill import Option, Skill


class StateAffordance:
    """Each skill's own value function (`Skill.value`), read from ``env.world``."""

    def __call__(self, env: EnvView, skills: Mapping[str, Skill], options: Sequence[Option]) -> list[float]:
        return [checked_value(skills[o.skill].value(env.world, **o.kwargs), o) for o in options]
