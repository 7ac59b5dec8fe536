"""Asking for help when unsure (``planner.ask=conformal``): act on one option, ask about several, stop on none."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from saycan.errors import warn
from saycan.planner.conformal import ConformalCalibration
from saycan.planner.trace import ChosenBy, Question, ScoredOption, StopReason

SHIPPED = Path(__file__).with_name("kitchen_conformal.json")  # `python -m saycan.calibrate` for the defaults

# The person: gets the prediction set (best first) and returns one of its options (or its text), or None
# ("none of these"); raising EOFError means nobody is there to answer (``ask_fallback`` decides).
Answer = Callable[[list[ScoredOption]], "ScoredOption | str | None"]


@dataclass(frozen=True)
class Decision:
    """What one step's prediction set led to: the option to run (None: stop), how it was chosen, the
    question asked (None when the set held one option, or only alike ones) and the set's size."""

    option: ScoredOption | None
    chosen_by: ChosenBy
    question: Question | None
    set_size: int
    alike: bool = False  # several options, all serving alike readings: acted on without asking


class HelpPolicy:
    """KnowNo at one step: the prediction set of a calibrated rule (`saycan.planner.conformal`).

    Args:
        calibration: The fitted q_hat (a `ConformalCalibration` or its JSON file; None: the shipped one).
        fallback: With several options and no one to ask: ``"top"`` acts on the best, ``"stop"`` stops.
        epsilon: Another target error rate than the calibration's: q_hat refitted from its stored task
            scores (`ConformalCalibration.refit`); None keeps the file's.
        rule: The set rule (``"prefix"`` or ``"threshold"``); None keeps the file's.
        when: ``"several"`` asks about every set of several options; ``"readings_differ"`` acts on the best
            when all of them serve readings of the request as likely as the best one (``alike`` in `decide`).
    """

    def __init__(
        self,
        calibration: ConformalCalibration | str | Path | None,
        fallback: str,
        epsilon: float | None = None,
        rule: str | None = None,
        when: str = "several",
    ) -> None:
        if not isinstance(calibration, ConformalCalibration):
            calibration = ConformalCalibration.load(calibration or SHIPPED)
        calibration = calibration.refit(None if epsilon is None else float(epsilon), rule)
        self.calibration, self.fallback, self.when = calibration, fallback, when

    def decide(
        self, index: int, scored: Sequence[ScoredOption], answer: Answer | None, alike: Collection[str] = ()
    ) -> Decision:
        """Act on a one-option set, ask ``answer`` about a larger one, stop on an empty one.

        Args:
            alike: Option texts that serve a reading of the request as likely as the best one (Pay's
                `saycan.pay.pay.PayPlan.alike`); with ``when="readings_differ"``, a set held within them is
                acted on, best first, without asking: the request allows any of them.
        """
        in_set = [scored[i] for i in self.calibration.prediction_set([s.combined for s in scored])]
        texts = [s.text for s in in_set]
        if len(in_set) == 1:
            return Decision(in_set[0], "saycan", None, 1)
        if in_set and self.when == "readings_differ" and all(t in alike for t in texts):
            return Decision(in_set[0], "saycan", None, len(in_set), alike=True)
        if not in_set:  # no option is likely enough to be right: say so rather than guess
            return Decision(None, "saycan", Question(index, [], None, "empty"), 0)
        answered, reply = heard(answer, in_set)
        if not answered:
            chosen = in_set[0] if self.fallback == "top" else None
            took = f"acting on the best, {chosen.text!r}" if chosen else "stopping"
            warn(f"nobody answered which of {len(texts)} steps is right: planner.ask_fallback={self.fallback}, {took}")
            return Decision(chosen, "fallback", Question(index, texts, chosen and chosen.text, "fallback"), len(texts))
        text = reply.text if isinstance(reply, ScoredOption) else reply
        chosen = next((s for s in in_set if s.text == text), None)
        if text is not None and chosen is None:
            raise ValueError(f"the answer {text!r} is not one of the options asked about: {texts}")
        return Decision(chosen, "person", Question(index, texts, text, "person"), len(texts))

    @staticmethod
    def stop_reason(question: Question) -> StopReason:
        """The trace's stop reason when ``question`` ended the plan."""
        if question.by == "empty":
            return "unsure"  # an empty prediction set
        return "needs_help" if question.by == "fallback" else "stopped_by_person"


def heard(answer: Answer | None, options: list[ScoredOption]) -> tuple[bool, ScoredOption | str | None]:
    """(whether someone answered, their reply): no callback or EOFError means nobody is there."""
    if answer is None:
        return False, None
    try:
        return True, answer(list(options))
    except EOFError:
        return False, None
