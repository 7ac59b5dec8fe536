"""What the planner needs from an environment: a symbolic view and a way to run a skill."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from saycan.errors import ConfigError
from saycan.skill import ExecResult, Option, Skill
from saycan.world.state import SymbolicWorld


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


class EnvView(Protocol):
    """What scoring reads of an environment: ``world``, the symbolic state that value functions and goal
    predicates read, and ``sim``, the simulator behind it (`saycan.sim.kitchen.KitchenSim`) or None: value
    functions that can read the physical state (learned affordances) read it whenever it is there."""

    world: SymbolicWorld
    sim: Any


@dataclass(frozen=True)
class WorldView:
    """A state scored without an env to run in: a step of a searched plan, a calibration task's gold state."""

    world: SymbolicWorld
    sim: Any = None


class PlanEnv(EnvView, Protocol):
    """An environment the planner executes skills in; one backed by a simulator keeps ``world`` in sync with it."""

    def execute(self, skill: Skill, option: Option) -> ExecResult: ...

    def close(self) -> None: ...
