"""The `Skill` base class and `Option`, one grounded skill text such as "pick up the sponge"."""

from __future__ import annotations

import itertools
import string
from dataclasses import dataclass
from typing import Any

from saycan.errors import ConfigError
from saycan.scene import USER
from saycan.world import SymbolicWorld

PLACEHOLDERS = ("object", "location", "spill")


def placeholders(template: str) -> tuple[str, ...]:
    """The ``{name}`` fields of a template, checked against `PLACEHOLDERS`."""
    if not isinstance(template, str) or not template.strip() or not template.isprintable():
        raise ConfigError(f"skill template {template!r} must be non-empty text on one line, e.g. 'heat the {{object}}'")
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise ConfigError(f"skill template {template!r} is malformed: {exc}") from None
    for name in fields:
        if name not in PLACEHOLDERS:
            raise ConfigError(
                f"skill template {template!r} names unknown placeholder {{{name}}}; valid: "
                + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            )
    return tuple(dict.fromkeys(fields))


@dataclass(frozen=True)
class Option:
    """One candidate step: a skill bound to names in the scene.

    Attributes:
        text: What the LLM scores and the plan shows, e.g. ``"pick up the sponge"``.
        skill: The registered skill id, e.g. ``"pick_up"``.
        args: Placeholder bindings as sorted ``(name, value)`` pairs.
    """

    text: str
    skill: str
    args: tuple[tuple[str, str], ...] = ()

    @property
    def kwargs(self) -> dict[str, str]:
        return dict(self.args)


class Skill:
    """A skill the robot can run: a text template, a value function and an effect.

    Subclasses override `value` (the "can" of SayCan: p(success | state), in [0, 1]) or
    `feasible`, `apply` (the symbolic effect; raise `SkillFailure` when it cannot run) and,
    to run in the PyBullet kitchen, `simulate`. `FunctionSkill` builds one from callables.

    Args:
        id: The registry id.
        template: Text with ``{object}``, ``{location}`` or ``{spill}`` placeholders.
        success_rate: p(success) when the preconditions hold.
    """

    def __init__(self, id: str, template: str, success_rate: float = 1.0, **params: Any) -> None:
        if not 0.0 <= float(success_rate) <= 1.0:
            raise ConfigError(f"skill {id!r}: success_rate must be in [0, 1], got {success_rate!r}")
        self.id = id
        self.template = template
        self.fields = placeholders(template)
        self.success_rate = float(success_rate)
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self.id!r}, template={self.template!r})"

    def bindings(self, world: SymbolicWorld) -> dict[str, tuple[str, ...]]:
        """The names each placeholder ranges over in ``world``."""
        return {
            "object": world.objects,
            "location": tuple(loc for loc in world.locations if loc != USER),
            "spill": world.spills,
        }

    def options(self, world: SymbolicWorld) -> list[Option]:
        """Every text this skill can take in ``world`` (the template over all bindings)."""
        domains = self.bindings(world)
        values = [domains[f] for f in self.fields]
        return [
            Option(
                self.template.format(**dict(zip(self.fields, combo, strict=True))),
                self.id,
                tuple(sorted(zip(self.fields, combo, strict=True))),
            )
            for combo in itertools.product(*values)
        ]

    def value(self, world: SymbolicWorld, **args: str) -> float:
        """p(success | state) for this skill with ``args`` in ``world``, in [0, 1]."""
        return self.success_rate if self.feasible(world, **args) else 0.0

    def feasible(self, world: SymbolicWorld, **args: str) -> bool:
        """Whether the preconditions hold and the skill would change the state."""
        return True

    def apply(self, world: SymbolicWorld, **args: str) -> None:
        """Change ``world`` as the skill does; raise `SkillFailure` when it cannot run."""

    def simulate(self, env: Any, **args: str) -> Any:
        """Run the skill in the PyBullet kitchen, for skills the kitchen has no routine for.

        Args:
            env: The `saycan.sim.env.KitchenEnv` (``env.sim`` is the simulator, ``env.world`` the graph).

        Returns:
            A `saycan.envs.base.ExecResult`, or None when the skill cannot run in the sim.
        """
        return None

    @property
    def terminal(self) -> bool:
        """True for the skill that ends a plan ("done")."""
        return False
