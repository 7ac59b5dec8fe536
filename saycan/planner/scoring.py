"""One step's scores: p_LLM^w x value x pay for every candidate, as SayCan and SayCanPay multiply them."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from saycan.affordance import AffordanceModel
from saycan.envs.base import EnvView
from saycan.llm.base import Scorer
from saycan.planner.generative import GenerativeChooser
from saycan.planner.request import Request
from saycan.planner.say import option_logprobs, softmax
from saycan.planner.settings import PlannerSettings
from saycan.planner.termination import TerminationCheck, reweight
from saycan.planner.trace import ScoredOption
from saycan.skill import Skill


@dataclass
class StepScores:
    """What scoring one step found.

    Attributes:
        prompt: The prompt the LLM read.
        options: (n_options,) every candidate's scores, in candidate order.
        generated: The step the LLM wrote (``planner.scoring=generative``), else None.
        info: What else was measured (`saycan.planner.trace.Step.info`): ``tokens``, ``p_complete``, Pay's
            ``p_done`` and ``pay_goal_q``, ``done_gated``; ``done_held`` (set by `saycan.planner.recovery`).
        timings: Wall-clock seconds: ``llm_s``, ``affordance_s``, ``pay_s``.
    """

    prompt: str
    options: list[ScoredOption]
    generated: str | None = None
    info: dict[str, float] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def best(self) -> ScoredOption:
        """The top combined score (the first of equals: candidate order)."""
        return max(self.options, key=lambda s: s.combined)


class StepScorer:
    """Scores a step's candidates from a state: "say" (the LLM), "can" (value functions), "pay" (Pay).

    Args:
        llm: The LLM.
        skills: Skill id -> skill.
        affordance: The value functions.
        settings: ``score_reduction``, ``scoring``, ``termination``, ``llm_weight``, ``max_attempts``, ``done_gate``.
    """

    def __init__(
        self, llm: Scorer, skills: Mapping[str, Skill], affordance: AffordanceModel, settings: PlannerSettings
    ) -> None:
        self.llm, self.skills, self.affordance, self.settings = llm, skills, affordance, settings
        self.generative = GenerativeChooser() if settings.scoring == "generative" else None
        self.termination = TerminationCheck() if settings.termination == "ask" else None

    def __call__(self, request: Request, env: EnvView, history: Sequence[tuple[str, bool]]) -> StepScores:
        """Score every candidate of ``request`` as the next step after ``history``, in ``env``'s state."""
        world, texts = env.world, [o.text for o in request.options]
        terminal = [self.skills[o.skill].terminal for o in request.options]
        prompt = request.template.render(request.instruction, history, world.objects, world.locations)
        t0 = time.perf_counter()
        stops = [request.template.separator, "\n"]
        lps, tokens, generated = option_logprobs(
            self.llm, prompt, texts, request.template.option_prefix, self.settings.score_reduction,
            self.generative, stops,
        )  # fmt: skip
        info: dict[str, float] = {"tokens": tokens}
        p_llm = softmax(lps)
        if self.termination:  # Inner Monologue's success question: p_LLM(done) = p(yes)
            done = [text for text, ok in history if ok]
            info["p_complete"] = self.termination.p_complete(self.llm, request.instruction, done)
            p_llm = reweight(p_llm, terminal, info["p_complete"])
        t1 = time.perf_counter()
        affordances = self.affordance(env, self.skills, request.options)
        t2 = time.perf_counter()
        pays = [1.0] * len(texts)
        if request.pay is not None:
            pays = request.pay(world, request.options, terminal)
            info.update(request.pay.info)
        timings = {"llm_s": t1 - t0, "affordance_s": t2 - t1, "pay_s": time.perf_counter() - t2}
        scored = self.combine(request, lps, p_llm, affordances, pays)
        if request.pay is not None and self.gates_done(scored, request.pay.p_done, request.pay.trained):
            info["done_gated"] = 1.0
            scored = self.without_done(scored)
        return StepScores(prompt, scored, generated, info, timings)

    def combine(
        self,
        request: Request,
        lps: Sequence[float],
        p_llm: Sequence[float],
        affordances: Sequence[float],
        pays: Sequence[float],
    ) -> list[ScoredOption]:
        """(n_options,) scored options from each factor's (n_options,) values."""
        w = self.settings.llm_weight if request.pay is not None else 1.0  # without Pay: SayCan's own product
        scored = []
        for option, lp, p, aff, pv in zip(request.options, lps, p_llm, affordances, pays, strict=True):
            if request.failures[option.text] >= self.settings.max_attempts:
                aff = 0.0  # retry limit reached: stop proposing a skill that keeps failing
            # SayCan: pi = argmax_pi p(c_pi | s, l_pi) * p(l_pi | i), with p_LLM normalised over Pi;
            # SayCanPay multiplies in pay(pi): how far the step brings the request towards done.
            # p_LLM^w with w = llm_weight (1: the papers' product).
            say = p**w if p > 0 else 0.0
            scored.append(ScoredOption(option.text, option.skill, lp, p, aff, say * aff * pv, pv))
        return scored

    def without_done(self, scored: Sequence[ScoredOption]) -> list[ScoredOption]:
        """``scored`` with the terminal skill's ("done") combined score set to 0: it cannot win this step."""
        return [replace(s, combined=0.0) if self.skills[s.skill].terminal else s for s in scored]

    def gates_done(self, scored: Sequence[ScoredOption], p_done: float, trained: Collection[str]) -> bool:
        """Whether "done" is held back at this step (``done_gate``): Pay's p(done) is below the gate and a
        feasible step of a skill Pay was trained on starts a shortest plan to most of its goals' weight.

        Why: the LLM copies examples that end after one part, so after the first half of "bring me a drink
        and a snack" p_LLM(done) is near 1 and outweighs a step Pay is sure of by Pay's floor (eps).
        """
        if p_done >= self.settings.done_gate:
            return False
        return any(
            not self.skills[s.skill].terminal and s.skill in trained and s.pay >= 0.5 and s.combined > 0 for s in scored
        )
