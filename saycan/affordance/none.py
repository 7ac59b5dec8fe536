"""`NoAffordance`: the paper's "no value function" ablation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from saycan.envs.base import EnvView
from saycan.skill import Option, Skill


class NoAffordance:
    """Every option is equally feasible: the LLM alone picks each step."""

    def __call__(self, env: EnvView, skills: Mapping[str, Skill], options: Sequence[Option]) -> list[float]:
        return [1.0] * len(options)
