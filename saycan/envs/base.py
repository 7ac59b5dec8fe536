"""What the planner needs from an environment: a symbolic view and a way to run a skill."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from saycan.world import SymbolicWorld
from skills.skill import Option, Skill


@dataclass(frozen=True)
class ExecResult:
    """The outcome of running one skill: did its success detector fire, and why not."""

    success: bool
    message: str = ""


class PlanEnv(Protocol):
    """An environment the planner executes skills in.

    ``world`` is the symbolic state that value functions and goal predicates read; an
    environment backed by a simulator keeps it in sync with the simulation.
    """

    world: SymbolicWorld

    def execute(self, skill: Skill, option: Option) -> ExecResult: ...

    def close(self) -> None: ...
