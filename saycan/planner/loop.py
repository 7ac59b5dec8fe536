"""The SayCan planning loop: score every skill by "say" (LLM) times "can" (value function)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from typing import Any

from saycan.affordance import AffordanceModel, StateAffordance
from saycan.envs.base import PlanEnv
from saycan.errors import ConfigError, warn
from saycan.llm.base import Scorer
from saycan.planner.ask import ASKS, FALLBACKS, Answer, HelpPolicy
from saycan.planner.examples import FewShot
from saycan.planner.generative import GenerativeChooser
from saycan.planner.prompt import PromptTemplate, examples_from
from saycan.planner.say import normalise, option_logprobs
from saycan.planner.search import BeamSearch, PlannedStep
from saycan.planner.settings import (
    RECOVERIES,
    REDUCTIONS,
    SCORINGS,
    SEARCHES,
    TERMINATIONS,
    choice,
    clean_instruction,
    count,
    fraction,
    weight,
)  # fmt: skip
from saycan.planner.termination import TerminationCheck, reweight
from saycan.planner.trace import PlanTrace, ScoredOption, Step, TraceWriter
from saycan.skill import Option, Skill
from saycan.world.catalogue import missing_objects
from saycan.world.predicates import Goal, format_goal, goal_reached
from saycan.world.state import SymbolicWorld

# Pay is duck-typed here (a `saycan.pay.pay.PayPlan`: called with the world, the options and which are
# terminal): saycan.pay builds on the planner's parts, so the planner does not import it.
PayPlan = Any


class SayCanPlanner:
    """Plans and executes an instruction step by step, as in SayCan (Ahn et al., 2022).

    Args:
        scorer: The LLM ("say").
        skills: The skill library; exactly the texts of these skills are candidates.
        prompt: Few-shot prompt template.
        affordance: Value functions ("can"); defaults to each skill's state-based value.
        max_steps: Upper bound on executed steps, failed attempts included.
        score_reduction: ``"sum"`` of token log-probs (the paper) or ``"mean"`` (length-normalised).
        max_attempts: Failed attempts allowed per option before its affordance drops to 0.
        recovery: After a failed step, ``"retry"`` attempts the same skill again while its value
            function affords it (up to ``max_attempts``), then lets the LLM replan; ``"replan"``
            lets the LLM choose at once, reading the ``(failed)`` mark in the prompt (Inner
            Monologue). Small LLMs tend to ignore the mark, so ``"retry"`` is the default.
        scoring: ``"saycan"`` scores every option's likelihood; ``"generative"`` lets the LLM
            write the step and scores options by similarity to it (the paper's baseline,
            `saycan.planner.generative`).
        termination: ``"ask"`` sets p_LLM(done) to the LLM's answer to "is the request complete?"
            (`saycan.planner.termination`); ``"none"`` leaves "done" to be scored like any skill.
        held_out: Instructions never shown as retrieved examples (an evaluation's own tasks, so
            the prompt cannot hold the answer); compared lower-cased.
        holdout_similarity: With ``held_out``, also hold out the bank's near-copies of them
            (`saycan.planner.examples.FewShot`).
        pay: Pay (`saycan.pay`): p(a step brings the request closer to done), multiplied into
            every option's score; None or `NoPay` leaves SayCan's say x can.
        search: ``"greedy"`` runs the top option at each step (SayCan); ``"beam"`` searches whole plans
            in the symbolic model first (`saycan.planner.search`, SayCanPay's planner).
        beam_width: Partial plans kept per depth with ``search="beam"``.
        llm_weight: w in ``p_LLM^w x value x pay``: how far the LLM's preference counts against Pay's
            (1: SayCan's product; below 1 flattens the LLM's often near-certain copy of an example).
            Only with Pay: where Pay abstains (``pay=none``, a custom skill's request) w is 1.
        ask: ``"conformal"`` asks the person when several options are in KnowNo's prediction set and
            stops when none is (`saycan.planner.ask`); ``"none"`` always acts on the top option.
        calibration: With ``ask="conformal"``: the q_hat file of ``saycan.calibrate`` (None: the shipped one).
        ask_fallback: With nobody to answer (no terminal): ``"top"`` acts on the best option, ``"stop"`` stops.
        epsilon: With ``ask="conformal"``: KnowNo's target error rate, q_hat refitted from the
            calibration's task scores (None: the calibration's own epsilon).
        done_gate: With Pay, "done" scores 0 while Pay's p(the request is done) is below this and Pay
            backs a feasible step (pay >= 0.5); 0 turns the gate off.
    """

    def __init__(
        self,
        scorer: Scorer,
        skills: Sequence[Skill],
        prompt: PromptTemplate,
        affordance: AffordanceModel | None = None,
        max_steps: int = 20,
        score_reduction: str = "sum",
        max_attempts: int = 2,
        recovery: str = "retry",
        scoring: str = "saycan",
        termination: str = "none",
        held_out: Collection[str] = (),
        holdout_similarity: float | None = None,
        pay: Any = None,
        search: str = "greedy",
        beam_width: int = 3,
        llm_weight: float = 1.0,
        ask: str = "none",
        calibration: Any = None,
        ask_fallback: str = "top",
        epsilon: float | None = None,
        done_gate: float = 0.0,
    ) -> None:
        score_reduction = choice("score_reduction", score_reduction, REDUCTIONS)
        max_steps, max_attempts = count("max_steps", max_steps), count("max_attempts", max_attempts)
        recovery = choice("recovery", recovery, RECOVERIES)
        scoring = choice("scoring", scoring, SCORINGS)
        termination = choice("termination", termination, TERMINATIONS)
        search, beam_width = choice("search", search, SEARCHES), count("beam_width", beam_width)
        ask, ask_fallback = choice("ask", ask, ASKS), choice("ask_fallback", ask_fallback, FALLBACKS)
        self.llm_weight = weight("llm_weight", llm_weight)
        self.done_gate = fraction("done_gate", done_gate)
        if ask == "conformal" and search != "greedy":
            raise ConfigError("planner.ask=conformal asks at each greedy step; use it with planner.search=greedy")
        ids = [s.id for s in skills]
        if len(set(ids)) != len(ids):
            raise ConfigError(f"skill ids must be unique, got {ids}")
        self.scorer = scorer
        self.skills = {s.id: s for s in skills}
        # Skills bring their own few-shot examples, so the LLM sees how a new skill is used.
        own = [(s.id, ex) for s in skills for ex in getattr(s, "examples", ())]
        bank = [*prompt.bank, *(examples_from([ex], f"skill {sid!r}: examples")[0] for sid, ex in own)]
        self.prompt = replace(prompt, bank=tuple(bank))
        self.affordance = affordance or StateAffordance()
        self.max_steps = max_steps
        self.score_reduction = score_reduction
        self.max_attempts = max_attempts
        self.recovery = recovery
        self.generative = GenerativeChooser() if scoring == "generative" else None
        self.termination = TerminationCheck() if termination == "ask" else None
        self.few_shot = FewShot(self.prompt, held_out, holdout_similarity)
        self.pay = pay if getattr(pay, "trained", None) else None  # NoPay trained on nothing: no Pay
        self.beam = BeamSearch(self.skills, beam_width, max_steps) if search == "beam" else None
        self.help = HelpPolicy(calibration, ask_fallback, epsilon) if ask == "conformal" else None
        # What changes every option's combined score (the LLM and prompt aside, which saycan.calibrate
        # records from the config): q_hat is a quantile of such scores, so other ones void its coverage.
        self.scores_from = {
            "scoring": scoring,
            "termination": termination,
            "llm_weight": self.llm_weight,
            "done_gate": self.done_gate,
            "pay_sha256": getattr(self.pay, "meta", {}).get("sha256"),
        }
        for difference in self.help.calibration.differences(self.scores_from) if self.help else ():
            warn(
                f"planner.calibration was made with other scores ({difference}); its coverage does not hold "
                "here: recalibrate with `python -m saycan.calibrate out=PATH` and pass planner.calibration=PATH"
            )

    def candidates(self, world: SymbolicWorld) -> list[Option]:
        """Every skill text in this world; two skills may not produce the same text."""
        options = [o for skill in self.skills.values() for o in skill.options(world)]
        texts = Counter(o.text for o in options)
        dupes = [t for t, n in texts.items() if n > 1]
        if dupes:
            raise ConfigError(f"several skills produce the same text {dupes}; give each skill a distinct template")
        return options

    def prompt_for(self, instruction: str, world: SymbolicWorld, options: Sequence[Option]) -> PromptTemplate:
        """The prompt template for ``instruction`` from the state in ``world`` (see `FewShot.template`)."""
        return self.few_shot.template(instruction, world, {o.text for o in options})

    def score(
        self,
        instruction: str,
        env: PlanEnv,
        history: Sequence[tuple[str, bool]],
        options: Sequence[Option],
        failures: Counter[str] | None = None,
        template: PromptTemplate | None = None,
        pay: PayPlan | None = None,
    ) -> tuple[str, list[ScoredOption], dict[str, float], str | None]:
        """Score every option for the next step: p_LLM x value x pay.

        Args:
            template: The prompt for this instruction (default: ``self.prompt``; see `prompt_for`).
            pay: This request's Pay (`saycan.pay.pay.PayPlan`); None: every pay is 1.

        Returns:
            (prompt, (n_options,) scored options in candidate order, timings in seconds plus
            ``tokens`` scored and ``p_complete`` (with ``termination="ask"``), the step the LLM
            wrote with ``scoring="generative"`` else None).
        """
        world = env.world
        prompt = (template or self.prompt).render(instruction, history, world.objects, world.locations)
        t0 = time.perf_counter()
        stops = [(template or self.prompt).separator, "\n"]
        lps, tokens, generated = option_logprobs(
            self.scorer, prompt, [o.text for o in options], self.prompt.option_prefix, self.score_reduction,
            self.generative, stops,
        )  # fmt: skip
        info: dict[str, float] = {"tokens": tokens}
        p_llm = normalise(lps)
        if self.termination:
            info["p_complete"] = self.termination.p_complete(self.scorer, instruction, [t for t, ok in history if ok])
            p_llm = reweight(p_llm, [self.skills[o.skill].terminal for o in options], info["p_complete"])
        t1 = time.perf_counter()
        affordances = self.affordance(env, self.skills, options)
        t2 = time.perf_counter()
        pays = [1.0] * len(options)
        if pay is not None:
            pays = pay(world, options, [self.skills[o.skill].terminal for o in options])
            info.update({k: v for k, v in pay.info.items() if isinstance(v, float)})
        info.update(llm_s=t1 - t0, affordance_s=t2 - t1, pay_s=time.perf_counter() - t2)
        failures = failures or Counter()
        w = self.llm_weight if pay is not None else 1.0  # without Pay: SayCan's own product
        scored = []
        for option, lp, p, aff, pv in zip(options, lps, p_llm, affordances, pays, strict=True):
            if failures[option.text] >= self.max_attempts:
                aff = 0.0  # retry limit reached: stop proposing a skill that keeps failing
            # SayCan: pi = argmax_pi p(c_pi | s, l_pi) * p(l_pi | i), with p_LLM normalised over Pi;
            # SayCanPay multiplies in pay(pi): how far the step brings the request towards done.
            # p_LLM^w with w = llm_weight (1: the papers' product).
            say = p**w if p > 0 else 0.0
            scored.append(ScoredOption(option.text, option.skill, lp, p, aff, say * aff * pv, pv))
        if pay is not None and self.gates_done(scored, info.get("p_done", 1.0), pay.trained):
            info["done_gated"] = 1.0
            scored = [replace(s, combined=0.0) if self.skills[s.skill].terminal else s for s in scored]
        return prompt, scored, info, generated

    def gates_done(self, scored: Sequence[ScoredOption], p_done: float, trained: Collection[str]) -> bool:
        """Whether "done" is held back at this step (``done_gate``): Pay's p(done) is below the gate and a
        feasible step of a skill Pay was trained on starts a shortest plan to most of its goals' weight.

        Why: the LLM copies examples that end after one part, so after the first half of "bring me a drink
        and a snack" p_LLM(done) is near 1 and outweighs a step Pay is sure of by Pay's floor (eps).
        """
        if p_done >= self.done_gate:
            return False
        return any(
            not self.skills[s.skill].terminal and s.skill in trained and s.pay >= 0.5 and s.combined > 0 for s in scored
        )

    def _choose(self, scored: list[ScoredOption], history: Sequence[tuple[str, bool]]) -> tuple[ScoredOption, str]:
        """The top option (first of equals: candidate order), or the failed one again (``recovery=retry``)."""
        best = max(scored, key=lambda s: s.combined)
        if self.recovery == "retry" and history and not history[-1][1]:
            again = next(s for s in scored if s.text == history[-1][0])
            if again.affordance > 0:  # still feasible and under max_attempts: try it again
                return again, "retry"
        return best, "saycan"

    def begin_pay(
        self, instruction: str, world: SymbolicWorld, template: PromptTemplate, by_text: dict[str, Option]
    ) -> PayPlan | None:
        """This request's Pay, or None: with ``pay=none``, or when the request's nearest example uses a
        skill Pay was not trained on (a custom skill: Pay cannot know its goals, so it abstains)."""
        if self.pay is None:
            return None
        nearest = template.examples[-1].steps if template.examples else ()
        if any(by_text[s].skill not in self.pay.trained for s in nearest if s in by_text and s != "done"):
            return None
        return self.pay.begin(instruction, world, self.skills)

    def plan(
        self,
        instruction: str,
        env: PlanEnv,
        *,
        goal: Goal | None = None,
        scene: str = "",
        writer: TraceWriter | None = None,
        on_step: Callable[[Step], None] | None = None,
        meta: dict[str, object] | None = None,
        ask: Answer | None = None,
    ) -> PlanTrace:
        """Plan and execute ``instruction`` in ``env`` until "done" wins or ``max_steps``.

        Failed steps stay in the prompt marked ``(failed)`` so the LLM can replan
        (as in Inner Monologue); each step is written to ``writer`` as it finishes. With
        ``planner.ask=conformal``, ``ask(options)`` answers the questions (None: ``ask_fallback``).
        """
        instruction = clean_instruction(instruction)
        trace = PlanTrace(instruction, scene, goal=format_goal(goal) if goal else None, meta=dict(meta or {}))
        world = env.world
        for name, alike in missing_objects(instruction, world.objects, world.scene.attributes).items():
            trace.warnings.append(f"the scene has no {name}; its closest objects: {', '.join(alike)}")
            warn(trace.warnings[-1])  # the plan goes on with what there is
        options = self.candidates(env.world)
        template = self.prompt_for(instruction, env.world, options)
        by_text = {o.text: o for o in options}
        pay = self.begin_pay(instruction, env.world, template, by_text)
        trace.meta["pay"] = [g.text for g, _ in pay.goals[:3]] if pay else None  # the request's likeliest goals
        if writer:
            writer.header(trace)
        history: list[tuple[str, bool]] = []
        failures: Counter[str] = Counter()
        trace.stop_reason = "max_steps"
        planned: list[PlannedStep] = []  # with planner.search=beam: the rest of the searched plan
        for index in range(1, self.max_steps + 1):
            if self.beam is not None and not planned:
                t0 = time.perf_counter()
                planned = self.beam.plan(
                    env, history, options,
                    lambda view, hist: self.score(instruction, view, hist, options, failures, template, pay),
                )  # fmt: skip
                search_s = time.perf_counter() - t0
            if planned:
                step_plan = planned.pop(0)
                prompt, scored, generated = step_plan.prompt, step_plan.scored, step_plan.generated
                timings = {**step_plan.info, "search_s": search_s}
                best, chosen_by, search_s = next(s for s in scored if s.text == step_plan.choice), "search", 0.0
            else:
                prompt, scored, timings, generated = self.score(
                    instruction, env, history, options, failures, template, pay
                )
                best, chosen_by = self._choose(scored, history)
                if self.help is not None and chosen_by == "saycan":
                    decision = self.help.decide(index, scored, ask)
                    timings["set_size"] = decision.set_size
                    if decision.question is not None:
                        trace.questions.append(decision.question)
                        if writer:
                            writer.question(decision.question)
                    if decision.option is None:
                        trace.stop_reason = self.help.stop_reason(decision.question)
                        break
                    best, chosen_by = decision.option, decision.chosen_by
            option = by_text[best.text]
            skill = self.skills[option.skill]
            t0 = time.perf_counter()
            result = env.execute(skill, option)
            timings["execute_s"] = time.perf_counter() - t0
            timings.update(result.info)
            if not result.success:
                failures[option.text] += 1
            if planned and (not result.success or env.world.key() != step_plan.expected):
                planned = []  # not as the search expected: search again from the real state
            history.append((option.text, result.success))
            step = Step(
                index,
                prompt,
                scored,
                option.text,
                option.skill,
                option.kwargs,
                result.success,
                result.message,
                timings,
                env.world.snapshot(),
                chosen_by,
                generated,
            )
            trace.steps.append(step)
            if writer:
                writer.step(step)
            if on_step:
                on_step(step)
            if skill.terminal and result.success:
                trace.finished, trace.stop_reason = True, "done"
                break
        if goal is not None:
            trace.goal_reached = goal_reached(goal, env.world)
        if writer:
            writer.end(trace)
        return trace
