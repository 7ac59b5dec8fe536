"""The few-shot prompt of SayCan ("Human: ... / Robot: 1. ..., 2. ..."), built from config."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from saycan.errors import ConfigError

FIELDS = ("header", "examples", "query", "step", "separator", "failed_suffix", "option_prefix", "retrieve", "bank")


@dataclass(frozen=True)
class PromptExample:
    instruction: str
    steps: tuple[str, ...]


def _examples(items: Any, key: str) -> tuple[PromptExample, ...]:
    examples = []
    for i, ex in enumerate(items or []):
        if not isinstance(ex, Mapping) or not ex.get("instruction") or not ex.get("steps"):
            raise ConfigError(f"prompt.{key}[{i}] needs 'instruction' and a non-empty 'steps' list, got {ex!r}")
        examples.append(PromptExample(str(ex["instruction"]), tuple(str(s) for s in ex["steps"])))
    return tuple(examples)


@dataclass(frozen=True)
class PromptTemplate:
    """Formats the prompt for one planning step.

    The prompt ends right after the next step's number (``"... Robot: 1. find the sponge, 2."``)
    and every option is scored as ``option_prefix + text`` (``" pick up the sponge"``).

    Attributes:
        header: Text before the examples; may use ``{objects}`` and ``{locations}``.
        examples: Solved instructions shown before the query.
        query: The instruction line, with ``{instruction}``.
        step: One numbered step, with ``{n}`` and ``{text}``.
        separator: Between steps.
        failed_suffix: Appended to a step that failed, so the LLM can replan.
        option_prefix: Put before each option (the space belongs to the option).
        retrieve: 0 shows ``examples``; k > 0 shows instead the k examples of ``bank`` nearest
            to the instruction (see `saycan.retrieval`).
        bank: Solved instructions with placeholders (``{object}``, ``{location}``, ...), filled in
            with the scene's names.
    """

    header: str = ""
    examples: tuple[PromptExample, ...] = ()
    query: str = "Human: {instruction}\nRobot:"
    step: str = " {n}.{text}"
    separator: str = ","
    failed_suffix: str = " (failed)"
    option_prefix: str = " "
    retrieve: int = 0
    bank: tuple[PromptExample, ...] = ()

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> PromptTemplate:
        cfg = dict(cfg)
        for key in cfg:
            if key not in FIELDS:
                raise ConfigError(f"prompt.{key} is not a prompt setting; valid: {', '.join(FIELDS)}")
        lists = {key: _examples(cfg.pop(key, None), key) for key in ("examples", "bank")}
        retrieve = cfg.pop("retrieve", 0)
        if isinstance(retrieve, bool) or not isinstance(retrieve, int) or retrieve < 0:
            raise ConfigError(f"prompt.retrieve must be an integer >= 0 (0: fixed examples), got {retrieve!r}")
        template = cls(retrieve=retrieve, **lists, **{k: str(v) for k, v in cfg.items()})
        for name, keys in (("query", ("instruction",)), ("step", ("n", "text"))):
            try:
                getattr(template, name).format(**{k: "x" for k in keys})
            except (KeyError, IndexError, ValueError) as exc:
                raise ConfigError(f"prompt.{name}={getattr(template, name)!r} may only use {keys}: {exc}") from None
        return template

    def _steps(self, steps: Sequence[tuple[str, bool]], start: int = 1) -> str:
        parts = [
            self.step.format(n=i, text=self.option_prefix + text + ("" if ok else self.failed_suffix))
            for i, (text, ok) in enumerate(steps, start)
        ]
        return self.separator.join(parts)

    def render(
        self,
        instruction: str,
        steps: Sequence[tuple[str, bool]],
        objects: Sequence[str] = (),
        locations: Sequence[str] = (),
    ) -> str:
        """The prompt for the next step.

        Args:
            instruction: The user's request.
            steps: (text, succeeded) of every step so far.
            objects, locations: Names for ``{objects}``/``{locations}`` in the header.

        Returns:
            Text ending with the next step's number, e.g. ``"...Robot: 1. find the sponge, 2."``.
        """
        header = self.header.format(objects=", ".join(objects), locations=", ".join(locations))
        shots = "".join(
            self.query.format(instruction=ex.instruction) + self._steps([(s, True) for s in ex.steps]) + "\n"
            for ex in self.examples
        )
        done = self._steps(steps)
        nxt = self.step.format(n=len(steps) + 1, text="")
        return (
            header + shots + self.query.format(instruction=instruction) + done + (self.separator if steps else "") + nxt
        )
