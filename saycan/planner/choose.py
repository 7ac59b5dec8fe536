"""How the next step is chosen from its scores: the top one (SayCan), asking when unsure (KnowNo), or a searched plan.

Each strategy scores the step itself (a searched plan scored it ahead) and returns a `Choice`; the loop
tells it what happened after the step ran (`observed`).
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from dataclasses import dataclass, replace

from saycan.envs.base import PlanEnv
from saycan.planner.ask import Answer, HelpPolicy
from saycan.planner.beam import BeamSearch, PlannedStep
from saycan.planner.recovery import after_failure
from saycan.planner.request import Request
from saycan.planner.scoring import StepScorer, StepScores
from saycan.planner.trace import ChosenBy, Question, ScoredOption, StopReason
from saycan.world.state import SymbolicWorld


@dataclass(frozen=True)
class Choice:
    """One step's decision: its scores, the option to run (None: stop, for ``stop``), how it was chosen,
    and the question asked about it, if any."""

    scores: StepScores
    option: ScoredOption | None
    chosen_by: ChosenBy
    question: Question | None = None
    stop: StopReason = ""


class Greedy:
    """SayCan: run the top combined score; with ``recovery="retry"``, a failed step again while it is afforded.
    After a failed step, `done` waits for the goal Pay reads, or the plan stops (`saycan.planner.recovery`).

    Args:
        score: Scores a step (`StepScorer`).
        retry: Re-attempt a failed step (``planner.recovery=retry``) rather than let the LLM replan.
    """

    def __init__(self, score: StepScorer, retry: bool) -> None:
        self.score, self.retry = score, retry

    def choose(self, request: Request, env: PlanEnv, index: int, ask: Answer | None) -> Choice:
        scores = self.score(request, env, request.history)
        recovery = after_failure(request, scores.options, env.world)
        if recovery.hold_done:
            held = self.score.without_done(scores.options)
            scores = replace(scores, options=held, info={**scores.info, "done_held": 1.0})
        if recovery.stop:
            return Choice(scores, None, "saycan", stop=recovery.stop)
        if self.retry and request.history and not request.history[-1][1]:
            again = next(s for s in scores.options if s.text == request.history[-1][0])
            if again.affordance > 0:  # still feasible and under max_attempts: try it again
                return Choice(scores, again, "retry")
        return Choice(scores, scores.best(), "saycan")

    def observed(self, success: bool, world: SymbolicWorld) -> None:
        """A greedy choice looks at the state afresh each step: nothing to update."""


class Asking(Greedy):
    """KnowNo: the greedy choice when the prediction set holds it alone; a question when it holds several;
    a stop when it holds none (`saycan.planner.ask.HelpPolicy`). A retry is not asked about."""

    def __init__(self, score: StepScorer, retry: bool, help: HelpPolicy) -> None:
        super().__init__(score, retry)
        self.help = help

    def choose(self, request: Request, env: PlanEnv, index: int, ask: Answer | None) -> Choice:
        choice = super().choose(request, env, index, ask)
        if choice.chosen_by != "saycan" or choice.option is None:
            return choice
        alike = request.pay.alike if request.pay is not None else ()
        decision = self.help.decide(index, choice.scores.options, ask, alike)
        choice.scores.info["set_size"] = decision.set_size
        if decision.alike:
            choice.scores.info["set_alike"] = 1.0  # several options, all serving alike readings: not asked
        stop = self.help.stop_reason(decision.question) if decision.option is None and decision.question else ""
        return Choice(choice.scores, decision.option, decision.chosen_by, decision.question, stop)


class Beam(Greedy):
    """SayCanPay's planner: the next step of the best plan searched in the symbolic model
    (`saycan.planner.beam.BeamSearch`), searched again when a step fails or the world turns out otherwise;
    greedy when the search finds no plan."""

    def __init__(self, score: StepScorer, retry: bool, search: BeamSearch) -> None:
        super().__init__(score, retry)
        self.search = search
        self.planned: list[PlannedStep] = []  # the rest of the searched plan
        self.expected: Hashable | None = None  # the state the running step should lead to

    def choose(self, request: Request, env: PlanEnv, index: int, ask: Answer | None) -> Choice:
        searched_s = None
        if not self.planned:
            start = time.perf_counter()
            score = lambda view, history: self.score(request, view, history)  # noqa: E731
            self.planned = self.search.plan(env, request.history, request.options, score)
            searched_s = time.perf_counter() - start
        if not self.planned:
            self.expected = None
            return super().choose(request, env, index, ask)
        step = self.planned.pop(0)
        self.expected = step.expected
        timings = {**step.scores.timings, "search_s": searched_s or 0.0}
        scores = StepScores(step.scores.prompt, step.scores.options, step.scores.generated, step.scores.info, timings)
        return Choice(scores, next(s for s in scores.options if s.text == step.choice), "search")

    def observed(self, success: bool, world: SymbolicWorld) -> None:
        if self.planned and (not success or world.key() != self.expected):
            self.planned = []  # not as the search expected: search again from the real state
