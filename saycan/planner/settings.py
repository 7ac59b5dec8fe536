"""The planner's settings and the request text, checked before any planning: one clear error each."""

from __future__ import annotations

import re
from collections.abc import Sequence

from saycan.errors import ConfigError

REDUCTIONS = ("sum", "mean")
RECOVERIES = ("retry", "replan")
SCORINGS = ("saycan", "generative")
TERMINATIONS = ("none", "ask")
SEARCHES = ("greedy", "beam")
MAX_INSTRUCTION_CHARS = 2000


def clean_instruction(text: object) -> str:
    """The instruction on one line, without control characters; empty or huge ones are refused."""
    if not isinstance(text, str):
        raise ConfigError(f"instruction must be text, got {type(text).__name__} {text!r}")
    cleaned = re.sub(r"\s+", " ", "".join(ch if ch.isprintable() else " " for ch in text)).strip()
    if not cleaned:
        raise ConfigError('instruction is empty; pass one, e.g. instruction="clean the spill"')
    if len(cleaned) > MAX_INSTRUCTION_CHARS:
        raise ConfigError(f"instruction has {len(cleaned)} characters; the limit is {MAX_INSTRUCTION_CHARS}")
    return cleaned


def count(key: str, value: object) -> int:
    """A planner setting that counts something: an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise ConfigError(f"planner.{key} must be an integer >= 1, got {value!r}")
    if int(value) < 1:
        raise ConfigError(f"planner.{key} must be >= 1, got {value!r}")
    return int(value)


def choice(key: str, value: object, valid: Sequence[str]) -> str:
    """A planner setting that picks one of ``valid``."""
    if value not in valid:
        raise ConfigError(f"planner.{key}={value!r}; valid: {', '.join(valid)}")
    return str(value)


def number(key: str, value: object, what: str) -> float:
    """A planner setting given as a number (or its text); ``what`` says which numbers are valid."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f"planner.{key} must be {what}, got {value!r}")
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"planner.{key} must be {what}, got {value!r}") from None


def weight(key: str, value: object) -> float:
    """A planner setting that weighs a factor: a number > 0."""
    x = number(key, value, "a number > 0")
    if not x > 0 or x == float("inf"):
        raise ConfigError(f"planner.{key} must be a number > 0, got {value!r}")
    return x


def fraction(key: str, value: object) -> float:
    """A planner setting that is a probability threshold: a number in [0, 1]."""
    x = number(key, value, "a number in [0, 1]")
    if not 0 <= x <= 1:
        raise ConfigError(f"planner.{key} must be a number in [0, 1], got {value!r}")
    return x
