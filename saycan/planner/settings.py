"""The planner's settings, every default held once and checked, and the request text, cleaned."""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Optional

from saycan.errors import ConfigError, choices_hint
from saycan.planner.conformal import SET_RULES

MAX_INSTRUCTION_CHARS = 2000
# Settings that pick one of a few values: the valid ones.
CHOICES = {
    "score_reduction": ("sum", "mean"),
    "recovery": ("retry", "replan"),
    "scoring": ("saycan", "generative"),
    "termination": ("none", "ask"),
    "search": ("greedy", "beam"),
    "ask": ("none", "conformal"),
    "ask_fallback": ("top", "stop"),
    "ask_set": SET_RULES,
    "translate": ("none", "llm"),
    "ask_when": ("several", "readings_differ"),
}
COUNTS = ("max_steps", "max_attempts", "beam_width")


@dataclass(frozen=True)
class PlannerSettings:
    """Every setting of the SayCan loop and its default: ``planner.<name>`` in config.

    Attributes:
        max_steps: Most executed steps, failed attempts included (moving two objects takes 9).
        max_attempts: Failed attempts of one skill text before its affordance drops to 0. 3: with grasps that
            slip 40% of the time (``sim.noise=0.4``), 2 lost three plans of 28 to two slips in a row.
        recovery: After a failed step, ``"retry"`` attempts the same skill again while its value function
            affords it, then lets the LLM replan; ``"replan"`` lets the LLM choose at once, reading the
            ``(failed)`` mark in the prompt (Inner Monologue). Small LLMs tend to ignore the mark.
        score_reduction: ``"sum"`` of an option's token log-probs (the paper) or ``"mean"`` (length-normalised).
        scoring: ``"saycan"`` scores every option's likelihood; ``"generative"`` lets the LLM write the step
            and scores options by similarity to it (the paper's baseline, `saycan.planner.generative`).
        termination: ``"ask"`` sets p_LLM(done) to the LLM's answer to "is the request complete?"
            (`saycan.planner.termination`); ``"none"`` scores "done" like any skill.
        llm_weight: w in ``p_LLM^w x value x pay`` (1: SayCan's product; below 1 flattens the LLM's often
            near-certain copy of an example). Only with Pay; without it w is 1. 0.2 was chosen on generated
            dev tasks (docs/pay.md).
        done_gate: With Pay, "done" scores 0 while Pay's p(the request is done) is below this and Pay backs
            a feasible step (pay >= 0.5); 0 turns the gate off.
        search: ``"greedy"`` runs the top option at each step (SayCan); ``"beam"`` searches whole plans in the
            symbolic model first (`saycan.planner.beam`, SayCanPay's planner).
        beam_width: Partial plans kept per depth with ``search="beam"``.
        ask: ``"conformal"`` asks the person when KnowNo's prediction set holds several options and stops when
            it holds none (`saycan.planner.ask`); ``"none"`` always acts.
        calibration: With ``ask="conformal"``: the q_hat file of ``python -m saycan.calibrate``; None: the shipped one.
        epsilon: With ``ask="conformal"``: KnowNo's target error rate, q_hat refitted from the calibration's
            task scores; None: the calibration's own (0.15 shipped).
        ask_fallback: With ``ask="conformal"`` and nobody to answer: ``"top"`` acts on the best option,
            ``"stop"`` stops.
        ask_set: With ``ask="conformal"``: how a step's prediction set is made (`saycan.planner.conformal`).
            ``"prefix"``: the fewest top options whose total score exceeds q_hat (never empty; several right
            options add up); ``"threshold"``: KnowNo's, every option scoring at least 1 - q_hat (can be empty).
        ask_when: With ``ask="conformal"`` and a set of several options: ``"several"`` asks (KnowNo);
            ``"readings_differ"`` acts on the best when every option of the set starts a shortest plan to a goal
            Pay reads as likely as the best-read one (`saycan.pay.pay.PayPlan.alike`: any drink will do, two
            right orders), and asks otherwise. Without Pay it asks.
        translate: ``"llm"``: a request detected as another language is read in English by the planner's LLM
            first (`saycan.planner.translate`; the trace keeps both); ``"none"``: every request is read as typed.
    """

    max_steps: int = 20
    max_attempts: int = 3
    recovery: str = "retry"
    score_reduction: str = "sum"
    scoring: str = "saycan"
    termination: str = "none"
    llm_weight: float = 0.2
    done_gate: float = 0.0
    search: str = "greedy"
    beam_width: int = 3
    ask: str = "none"
    calibration: Optional[str] = None  # noqa: UP045 (OmegaConf reads Optional, not X | None, on Python 3.10)
    epsilon: Optional[float] = None  # noqa: UP045
    ask_fallback: str = "top"
    ask_set: str = "prefix"
    ask_when: str = "several"
    translate: str = "none"

    def __post_init__(self) -> None:
        checked: dict[str, Any] = {name: choice(name, getattr(self, name), CHOICES[name]) for name in CHOICES}
        checked.update({name: count(name, getattr(self, name)) for name in COUNTS})
        checked["llm_weight"] = weight("llm_weight", self.llm_weight)
        checked["done_gate"] = fraction("done_gate", self.done_gate)
        if self.epsilon is not None:
            checked["epsilon"] = number("epsilon", self.epsilon, "a number in (0, 1), e.g. 0.15")
        if self.calibration is not None and not isinstance(self.calibration, str):
            raise ConfigError(f"planner.calibration must be a file path or null, got {self.calibration!r}")
        for name, value in checked.items():
            object.__setattr__(self, name, value)  # frozen: set once, here
        if self.ask == "conformal" and self.search != "greedy":
            raise ConfigError("planner.ask=conformal asks at each greedy step; use it with planner.search=greedy")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> PlannerSettings:
        """Settings from config keys; an unknown key is refused by name."""
        known = [f.name for f in fields(cls)]
        for key in values:
            if key not in known:
                raise ConfigError(f"planner.{key} is not a planner setting; {choices_hint(str(key), known)}")
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def hydra_schema() -> type:
    """The ``planner`` config group's schema (a Hydra structured config, registered by `saycan.cli.schemas`):
    the registry entry (set by conf/planner/*.yaml), the score table's ``print_top_k`` and every setting
    above with its default.
    Hydra checks each override's type as it composes; `PlannerSettings` checks the values when built."""
    hints = typing.get_type_hints(PlannerSettings)
    entry = [("_target_", str, "???"), ("id", str, "???"), ("print_top_k", int, 5)]  # ???: the yaml file sets it
    settings = [(f.name, hints[f.name], f.default) for f in fields(PlannerSettings)]
    spec = [(name, kind, dataclasses.field(default=default)) for name, kind, default in entry + settings]
    return dataclasses.make_dataclass("PlannerConfig", spec)  # not frozen: Hydra applies overrides to it


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
