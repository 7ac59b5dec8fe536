"""The skill registry: `register`/`make` skills by id, gymnasium-style."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from saycan.errors import ConfigError
from saycan.registry import Registry, Spec
from skills.skill import Skill, placeholders

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
            `skills.function_skill.FunctionSkill` from ``value_fn=``, ``effect=``, ``simulate=``.
        template: The skill's text, e.g. ``"heat the {object}"``; placeholders are checked now.
        override: Replace an existing skill of the same id instead of raising.
        **kwargs: Default constructor arguments (e.g. ``success_rate``, ``value_fn``).
    """
    placeholders(template)
    if entry_point is None:
        if "value_fn" not in kwargs:
            raise ConfigError(f"skill {id!r}: pass an entry_point (a Skill subclass) or value_fn=...")
        entry_point = "skills.function_skill:FunctionSkill"
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
        raise ConfigError(f"{where}: built {type(skill).__name__} {skill!r}, not a skills.Skill")
    return skill


def make(id: str, **kwargs: Any) -> Skill:
    """Build the skill registered as ``id`` (``_target_: skills.make`` in config)."""
    return check_skill(registry.make(id, **kwargs), f"skill {id!r}")


def make_library(ids: Iterable[str] | None = None) -> list[Skill]:
    """Build the skills named by ``ids`` (default: every registered skill), in that order."""
    ids = list(registry) if ids is None else list(ids)
    if not ids:
        raise ConfigError("skills.names is empty; list at least one skill id, e.g. [find, pick_up, done]")
    library = [make(i) for i in ids]
    if not any(s.terminal for s in library):
        raise ConfigError(f"skills.names {ids} has no terminal skill; add 'done' so plans can end")
    return library
