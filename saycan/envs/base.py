"""What the planner needs from an environment: a symbolic view and a way to run a skill."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from saycan.world import SymbolicWorld
from skills.skill import Option, Skill


@dataclass(frozen=True)
class ExecResult:
    """The outcome of running one skill: did its success detector fire, and why not.

    ``info`` holds numbers the trace keeps with the step (e.g. ``sim_steps``, ``sim_s``).
    """

    success: bool
    message: str = ""
    info: dict[str, float] = field(default_factory=dict)


class ForcedFailures:
    """Skill text -> how many of its next attempts must fail (``sim.force_failures``), for tests and demos."""

    def __init__(self, counts: Mapping[str, int] | None = None) -> None:
        self.counts = {str(k): int(v) for k, v in dict(counts or {}).items()}

    def take(self, text: str) -> bool:
        """True (and one fewer left) when the next attempt of ``text`` must fail."""
        if self.counts.get(text, 0) <= 0:
            return False
        self.counts[text] -= 1
        return True


class PlanEnv(Protocol):
    """An environment the planner executes skills in.

    ``world`` is the symbolic state that value functions and goal predicates read; an
    environment backed by a simulator keeps it in sync with the simulation.
    """

    world: SymbolicWorld

    def execute(self, skill: Skill, option: Option) -> ExecResult: ...

    def close(self) -> None: ...
