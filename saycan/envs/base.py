"""What the planner needs from an environment: a symbolic view and a way to run a skill."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from saycan.errors import ConfigError
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
        example = "e.g. sim.force_failures={pick up the sponge: 1}"
        if counts is not None and not isinstance(counts, Mapping):
            raise ConfigError(f"sim.force_failures must map skill texts to counts, {example}; got {counts!r}")
        self.counts = {}
        for text, n in (counts or {}).items():
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise ConfigError(f"sim.force_failures[{text!r}] must be a count >= 0, {example}; got {n!r}")
            self.counts[str(text)] = n

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
