"""One request being planned: its text, its candidate skill texts, its prompt, its Pay, and its steps so far."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from saycan.pay.base import RequestPay
from saycan.planner.prompt import PromptTemplate
from saycan.skill import Option


@dataclass
class Request:
    """What the planner knows of one request while it plans it (`SayCanPlanner.begin` makes it).

    Attributes:
        instruction: The request, cleaned (`saycan.planner.settings.clean_instruction`).
        options: (n_options,) every skill text of the scene: the candidates at each step.
        template: The prompt, with the examples retrieved for this request and the hand at the start.
        pay: This request's Pay, or None (``pay=none``, or a request Pay abstains from).
        history: (skill text, succeeded) of every step executed so far.
        failures: Skill text -> its failed attempts so far.
        last_failure: The last failed step and why, ``"put down the water bottle failed (no success ...)"``.
    """

    instruction: str
    options: list[Option]
    template: PromptTemplate
    pay: RequestPay | None
    history: list[tuple[str, bool]] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    last_failure: str = ""

    def __post_init__(self) -> None:
        self._by_text = {o.text: o for o in self.options}

    def option(self, text: str) -> Option:
        """The candidate whose text is ``text``."""
        return self._by_text[text]

    def record(self, text: str, success: bool, message: str = "") -> None:
        """A step ran: keep it in the history (and count a failure, with the env's ``message`` of why)."""
        self.history.append((text, success))
        if not success:
            self.failures[text] += 1
            self.last_failure = f"{text} failed ({message})" if message else f"{text} failed"
