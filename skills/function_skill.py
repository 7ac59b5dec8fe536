"""`FunctionSkill`: a skill made from plain callables, for registering skills without a subclass."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from saycan.errors import ConfigError
from saycan.world import SymbolicWorld
from skills.skill import Skill


class FunctionSkill(Skill):
    """A skill whose value function, effect and sim routine are given as callables.

    Args:
        id, template, success_rate: As for `Skill`.
        value_fn: ``value_fn(world, **args) -> float`` in [0, 1]: p(success | state).
        effect: ``effect(world, **args)`` changes the symbolic world; raise
            `saycan.world.SkillFailure` when the skill cannot run. Default: no effect.
        simulate: ``simulate(env, **args) -> ExecResult`` runs it in the PyBullet kitchen.
        terminal: True for a skill that ends the plan.
    """

    def __init__(
        self,
        id: str,
        template: str,
        value_fn: Callable[..., float] | None = None,
        effect: Callable[..., None] | None = None,
        simulate: Callable[..., Any] | None = None,
        terminal: bool = False,
        success_rate: float = 1.0,
        **params: Any,
    ) -> None:
        super().__init__(id, template, success_rate, **params)
        for name, fn in (("value_fn", value_fn), ("effect", effect), ("simulate", simulate)):
            if fn is not None and not callable(fn):
                raise ConfigError(f"skill {id!r}: {name} must be callable, got {fn!r}")
        if value_fn is None:
            raise ConfigError(f"skill {id!r}: pass value_fn(world, **args) -> p(success), or subclass skills.Skill")
        self._value_fn, self._effect, self._simulate = value_fn, effect, simulate
        self._terminal = bool(terminal)

    def value(self, world: SymbolicWorld, **args: str) -> float:
        return self._value_fn(world, **args)  # range-checked by the planner, naming this skill

    def apply(self, world: SymbolicWorld, **args: str) -> None:
        if self._effect is not None:
            self._effect(world, **args)

    def simulate(self, env: Any, **args: str) -> Any:
        return self._simulate(env, **args) if self._simulate is not None else None

    @property
    def terminal(self) -> bool:
        return self._terminal
