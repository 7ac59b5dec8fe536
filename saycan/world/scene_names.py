"""Checks of the names and keys a scene file (or a task's start state) gives, each error naming the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saycan.errors import ConfigError, choices_hint

MAX_NAME = 60  # characters in one object, place or spill name


def check_keys(data: Mapping[str, Any], valid: tuple[str, ...], source: str, where: str) -> None:
    """``data`` is a mapping whose keys are all in ``valid`` (the error names ``where`` in ``source``)."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: {where} must be a mapping, got {type(data).__name__} {data!r}")
    for key in data:
        if key not in valid:
            raise ConfigError(
                f"{source}: unknown key {where}.{key!s:.40}; {choices_hint(str(key), valid)}"
                if str(key).isprintable()
                else f"{source}: unknown key in {where}: {key!r}"
            )


def check_name(value: Any, source: str, key: str) -> str:
    """One name (an object, a place, a spill): short printable text on one line, as the LLM will read it."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ConfigError(f"{source}: {key} must be a name (text), got {type(value).__name__} {value!r}")
    name = str(value).strip()
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise ConfigError(
            f"{source}: {key}: {name!r} is not a usable name; use 1 to {MAX_NAME} printable characters on one line"
        )
    return name


def name_list(value: Any, source: str, key: str) -> tuple[str, ...]:
    """A non-empty list of distinct names (``locations``)."""
    if not isinstance(value, (list, tuple)) or not value:
        raise ConfigError(f"{source}: {key} must be a non-empty list of names, got {value!r}")
    names = tuple(check_name(v, source, f"{key}[{i}]") for i, v in enumerate(value))
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{source}: {key} lists {dupes} more than once")
    return names


def names_of(value: Any, source: str, key: str) -> tuple[str, ...]:
    """A possibly empty list of names (``closed``, ``opened``)."""
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise ConfigError(f"{source}: {key} must be a list of places, e.g. [fridge, drawer]; got {value!r}")
    return name_list(value, source, key) if value else ()
