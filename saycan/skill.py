"""Skills: the `Skill` base class, `Option` (one grounded skill text), `FunctionSkill`, `ExecResult`, and the
skill registry (`register`, `make`, `make_library`)."""

from __future__ import annotations

import importlib
import itertools
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from saycan.errors import ConfigError
from saycan.registry import Registry, Spec
from saycan.world.scene import USER
from saycan.world.state import SymbolicWorld

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


def _checked_example(example: Any, where: str) -> dict[str, Any]:
    """A skill's few-shot example as a plain mapping: an instruction and a non-empty list of steps."""
    if not isinstance(example, Mapping) or not isinstance(example.get("instruction"), str):
        raise ConfigError(f"{where} must be a mapping with 'instruction' and 'steps', got {example!r}")
    steps = example.get("steps")
    if (
        not isinstance(steps, Sequence)
        or isinstance(steps, str)
        or not steps
        or not all(isinstance(s, str) for s in steps)
    ):
        raise ConfigError(f"{where}.steps must be a non-empty list of skill texts, got {steps!r}")
    return {**example, "steps": list(steps)}


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


@dataclass(frozen=True)
class ExecResult:
    """The outcome of running one skill: did its success detector fire, and why not.

    ``info`` holds numbers the trace keeps with the step (e.g. ``sim_steps``, ``sim_s``).
    """

    success: bool
    message: str = ""
    info: dict[str, float] = field(default_factory=dict)


class Skill:
    """A skill the robot can run: a text template, a value function and an effect.

    Subclasses override `value` (the "can" of SayCan: p(success | state), in [0, 1]) or
    `feasible`, `apply` (the symbolic effect; raise `SkillFailure` when it cannot run) and,
    to run in the PyBullet kitchen, `simulate`. `FunctionSkill` builds one from callables.

    Args:
        id: The registry id.
        template: Text with ``{object}``, ``{location}`` or ``{spill}`` placeholders.
        success_rate: p(success) when the preconditions hold.
        examples: Solved requests that use the skill, added to the planner's few-shot bank so it
            can be chosen: ``{"instruction": "heat the {object}", "steps": ["find the {object}", ...]}``,
            with the bank's placeholders (``{object}``, ``{other}``, ``{location}``, ``{spill}``)
            and an optional ``holding``.
    """

    def __init__(
        self,
        id: str,
        template: str,
        success_rate: float = 1.0,
        examples: Sequence[Mapping[str, Any]] = (),
        **params: Any,
    ) -> None:
        if not 0.0 <= float(success_rate) <= 1.0:
            raise ConfigError(f"skill {id!r}: success_rate must be in [0, 1], got {success_rate!r}")
        self.id = id
        self.template = template
        self.fields = placeholders(template)
        self.success_rate = float(success_rate)
        self.examples = tuple(_checked_example(ex, f"skill {id!r}: examples[{i}]") for i, ex in enumerate(examples))
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
            env: The `saycan.envs.pybullet.KitchenEnv` (``env.sim`` is the simulator, ``env.world`` the graph).

        Returns:
            An `ExecResult`, or None when the skill cannot run in the sim.
        """
        return None

    @property
    def terminal(self) -> bool:
        """True for the skill that ends a plan ("done")."""
        return False


class FunctionSkill(Skill):
    """A skill whose value function, effect and sim routine are given as callables.

    Args:
        id, template, success_rate: As for `Skill`.
        value_fn: ``value_fn(world, **args) -> float`` in [0, 1]: p(success | state).
        effect: ``effect(world, **args)`` changes the symbolic world; raise
            `saycan.world.state.SkillFailure` when the skill cannot run. Default: no effect.
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


registry: Registry[Skill] = Registry("skill")


def register(
    id: str,
    entry_point: str | Callable[..., Skill] | None = None,
    *,
    template: str,
    override: bool = False,
    **kwargs: Any,
) -> Spec:
    """Register a skill.

    Args:
        id: Unique skill id, e.g. ``"heat"``.
        entry_point: A `Skill` subclass or ``"module:Class"``, imported lazily. None builds a
            `saycan.skill.FunctionSkill` from ``value_fn=``, ``effect=``, ``simulate=``.
        template: The skill's text, e.g. ``"heat the {object}"``; placeholders are checked now.
        override: Replace an existing skill of the same id instead of raising.
        **kwargs: Default constructor arguments (e.g. ``success_rate``, ``value_fn``).
    """
    placeholders(template)
    if entry_point is None:
        if "value_fn" not in kwargs:
            raise ConfigError(f"skill {id!r}: pass an entry_point (a Skill subclass) or value_fn=...")
        entry_point = FunctionSkill
    return registry.register(id, entry_point, override=override, id=id, template=template, **kwargs)


def register_skill(id: str, *, template: str, override: bool = False, **kwargs: Any) -> Callable[[type], type]:
    """Class decorator form of `register`."""

    def wrap(cls: type) -> type:
        register(id, cls, template=template, override=override, **kwargs)
        return cls

    return wrap


def check_skill(skill: object, where: str) -> Skill:
    """``skill`` if it is a `Skill`; otherwise an error naming ``where`` it came from."""
    if not isinstance(skill, Skill):
        raise ConfigError(f"{where}: built {type(skill).__name__} {skill!r}, not a saycan.skill.Skill")
    return skill


def make(id: str, **kwargs: Any) -> Skill:
    """Build the skill registered as ``id`` (``_target_: saycan.skill.make`` in config)."""
    return check_skill(registry.make(id, **kwargs), f"skill {id!r}")


def import_library(module: str) -> None:
    """Import ``module``, whose import registers its skills (``"skills"``: the kitchen skills of the paper).

    Skill libraries import saycan, never the reverse: config names the library, and it is imported here.
    """
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise ConfigError(f"skills.library={module!r} cannot be imported ({exc}); is the package installed?") from None


def make_library(
    names: Iterable[str] | None = None, extra: Iterable[object] = (), library: str | None = None
) -> list[Skill]:
    """The planner's skills: ``names`` built from the registry, in that order, then ``extra``.

    Args:
        names: Registered skill ids (default: every registered skill).
        extra: Skills already built (Hydra builds each ``skills.extra`` entry from its ``_target_``).
        library: A module to import first so that its skills are registered (see `import_library`).

    Raises:
        ConfigError: an unknown id (listing the known ones), no terminal skill, or an extra that is no `Skill`.
    """
    if library:
        import_library(str(library))
    ids = list(registry) if names is None else [str(n) for n in names]
    if not ids:
        raise ConfigError("skills.names is empty; list at least one skill id, e.g. [find, pick_up, done]")
    skills = [make(i) for i in ids] + [check_skill(s, f"skills.extra[{i}]") for i, s in enumerate(extra or ())]
    if not any(s.terminal for s in skills):
        raise ConfigError(f"skills.names {ids} has no terminal skill; add 'done' so plans can end")
    return skills
