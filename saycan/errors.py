"""Errors the library raises for bad input, each naming the field and the fix."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterable


class ConfigError(ValueError):
    """Bad user input (a config key, a scene or suite file, an instruction)."""


class LLMError(RuntimeError):
    """The language model could not score (server down, bad reply, missing logprobs)."""


class ExecutorError(RuntimeError):
    """The executor can run no skill at all (its policy server unreachable): the plan stops, the trace kept."""


def choices_hint(value: str, choices: Iterable[str]) -> str:
    """``"valid: a, b, c. Did you mean 'b'?"`` for an error message (``"there are none."`` for no choices)."""
    choices = sorted(set(choices))
    if not choices:
        return "there are none."
    close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"valid: {', '.join(repr(c) for c in choices)}.{hint}"


def require_bool(field: str, value: object, example: bool = True) -> bool:
    """``value`` if it is true or false, else a `ConfigError` naming ``field``.

    Checked because YAML and the command line can hand over a string, and the string "false" is truthy.
    """
    if not isinstance(value, bool):
        raise ConfigError(f"{field}={value!r}: must be true or false, e.g. {field}={str(example).lower()}")
    return value


def user_error(exc: BaseException) -> BaseException | None:
    """The error to show the user for ``exc``, or None when it is a bug to let through.

    Hydra wraps an error raised while building a part (``_target_``) in its
    ``InstantiationException``; the user should see our one-line cause, not the wrapper.
    """
    seen = exc
    while seen is not None:
        if isinstance(seen, ConfigError | LLMError | ExecutorError):
            return seen
        seen = seen.__cause__
    return None


def warn(message: str) -> None:
    """A warning for the user: one line on stderr (stdout stays for results)."""
    print(f"warning: {message}", file=sys.stderr, flush=True)
