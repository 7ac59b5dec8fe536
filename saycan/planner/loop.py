"""The SayCan planning loop: score every skill by "say" (LLM) times "can" (value function), run the best, repeat."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from typing import Any

from saycan.affordance import AffordanceModel, StateAffordance
from saycan.envs.base import PlanEnv
from saycan.errors import ConfigError, ExecutorError, warn
from saycan.llm.base import Scorer
from saycan.pay.base import Pay
from saycan.planner.ask import Answer, HelpPolicy
from saycan.planner.beam import BeamSearch
from saycan.planner.choose import Asking, Beam, Choice, Greedy
from saycan.planner.conformal import ConformalCalibration
from saycan.planner.examples import FewShot
from saycan.planner.missing import ask_instead, missing_in, refusal_warnings
from saycan.planner.prompt import PromptTemplate, examples_from
from saycan.planner.request import Request
from saycan.planner.scoring import StepScorer
from saycan.planner.settings import PlannerSettings, clean_instruction
from saycan.planner.trace import NullWriter, PlanTrace, Step, TraceWriter
from saycan.planner.translate import Translator
from saycan.planner.unable import unable_verbs, unable_warnings
from saycan.skill import Option, Skill
from saycan.world.predicates import Goal, format_goal, goal_reached
from saycan.world.state import SymbolicWorld


class SayCanPlanner:
    """Plans and executes a request step by step, as in SayCan (Ahn et al., 2022), with SayCanPay's Pay.

    At each step every skill text of the scene is scored p_LLM^w x value x pay (`saycan.planner.scoring`),
    a strategy picks one (`saycan.planner.choose`: greedy, beam or asking), the env runs it, and the step
    is recorded (`saycan.planner.trace`), until "done" runs or ``settings.max_steps`` steps have.

    Args:
        scorer: The LLM ("say").
        skills: The skill library; exactly the texts of these skills are candidates.
        prompt: Few-shot prompt template; each skill's own ``examples`` join its bank.
        affordance: Value functions ("can"); default: each skill's own value function.
        pay: Pay (`saycan.pay.base.Pay`); None, or one trained on no skill (``pay=none``): SayCan's say x can.
        settings: Every other setting, checked (`PlannerSettings`; default: the command line's defaults).
        held_out: Instructions never shown as retrieved examples (an evaluation's own tasks); compared lower-cased.
        holdout_similarity: With ``held_out``, also hold out their near-copies (`saycan.planner.examples.FewShot`).
        calibration: With ``settings.ask="conformal"``: a calibration to use instead of ``settings.calibration``.
    """

    def __init__(
        self,
        scorer: Scorer,
        skills: Sequence[Skill],
        prompt: PromptTemplate,
        affordance: AffordanceModel | None = None,
        pay: Pay | None = None,
        settings: PlannerSettings | None = None,
        held_out: Collection[str] = (),
        holdout_similarity: float | None = None,
        calibration: ConformalCalibration | None = None,
    ) -> None:
        ids = [s.id for s in skills]
        if len(set(ids)) != len(ids):
            raise ConfigError(f"skill ids must be unique, got {ids}")
        self.settings = settings or PlannerSettings()
        self.scorer = scorer
        self.skills = {s.id: s for s in skills}
        # Skills bring their own few-shot examples, so the LLM sees how a new skill is used.
        own = [examples_from([ex], f"skill {s.id!r}: examples", templates=True)[0] for s in skills for ex in s.examples]
        self.prompt = replace(prompt, bank=(*prompt.bank, *own))
        self.affordance = affordance or StateAffordance()
        self.pay = pay if pay is not None and pay.trained else None  # pay=none is trained on nothing: no Pay
        self.few_shot = FewShot(self.prompt, self.skills, held_out, holdout_similarity)
        # planner.score(request, env, history) -> StepScores of the next step
        self.score = StepScorer(scorer, self.skills, self.affordance, self.settings)
        self.translator = Translator(scorer) if self.settings.translate == "llm" else None
        self.help = None
        if self.settings.ask == "conformal":
            s = self.settings
            self.help = HelpPolicy(calibration or s.calibration, s.ask_fallback, s.epsilon, s.ask_set, s.ask_when)
            for difference in self.help.calibration.differences(self.scores_from):
                warn(
                    f"planner.calibration was made with other scores ({difference}); its coverage does not hold "
                    "here: recalibrate with `python -m saycan.calibrate out=PATH` and pass planner.calibration=PATH"
                )

    @property
    def scores_from(self) -> dict[str, Any]:
        """The settings that change every option's combined score (the LLM and prompt aside, which
        ``saycan.calibrate`` records from the config): q_hat is a quantile of such scores."""
        s = self.settings
        sha256 = self.pay.meta.get("sha256") if self.pay is not None else None
        bonus = getattr(self.pay, "named_bonus", None)
        return {"scoring": s.scoring, "termination": s.termination, "llm_weight": s.llm_weight,
                "done_gate": s.done_gate, "pay_sha256": sha256, "pay_named_bonus": bonus}  # fmt: skip

    @property
    def asks(self) -> bool:
        """Whether the planner asks for help when unsure (``planner.ask=conformal``)."""
        return self.help is not None

    def candidates(self, world: SymbolicWorld) -> list[Option]:
        """Every skill text in this world; two skills may not produce the same text."""
        options = [o for skill in self.skills.values() for o in skill.options(world)]
        dupes = [t for t, n in Counter(o.text for o in options).items() if n > 1]
        if dupes:
            raise ConfigError(f"several skills produce the same text {dupes}; give each skill a distinct template")
        return options

    def begin(self, instruction: str, world: SymbolicWorld) -> Request:
        """A request planned from ``world``: its candidates, its prompt (examples retrieved for it, the hand),
        and its Pay. Pay abstains (None) where the request's nearest example uses a skill Pay was not
        trained on (a custom skill: Pay cannot know its goals)."""
        options = self.candidates(world)
        template = self.few_shot.template(instruction, world, {o.text for o in options})
        request = Request(instruction, options, template, None)
        nearest = template.examples[-1].steps if template.examples else ()
        known = {o.text: o.skill for o in options}
        if self.pay is not None and all(known[s] in self.pay.trained for s in nearest if s in known and s != "done"):
            request.pay = self.pay.begin(instruction, world, self.skills)
        return request

    def nearest_example(self, instruction: str, world: SymbolicWorld) -> tuple[str | None, float]:
        """The bank entry (after the hold-out) nearest to ``instruction`` and its similarity (honest reports)."""
        return self.few_shot.nearest(instruction, world, {o.text for o in self.candidates(world)})

    def nearest_training(self, instruction: str) -> tuple[str | None, float]:
        """Pay's training request nearest to ``instruction`` and its similarity; (None, 0.0) without Pay."""
        return self.pay.nearest_training(instruction) if self.pay is not None else (None, 0.0)

    def strategy(self) -> Greedy:
        """A fresh choice strategy for one plan (`saycan.planner.choose`)."""
        retry = self.settings.recovery == "retry"
        if self.settings.search == "beam":
            return Beam(self.score, retry, BeamSearch(self.skills, self.settings.beam_width, self.settings.max_steps))
        if self.help is not None:
            return Asking(self.score, retry, self.help)
        return Greedy(self.score, retry)

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
        on_start: Callable[[PlanTrace], None] | None = None,
    ) -> PlanTrace:
        """Plan and execute ``instruction`` in ``env`` until "done" runs or ``max_steps`` steps have.

        A request that names an object the scene lacks ("bring me the banana" with none) stops at once,
        ``not_possible``, with a warning naming it, rather than bring the apple; asking, the person is
        offered the scene's objects of its kind instead (`saycan.planner.missing`). So does a request for an
        action no skill does ("fold the laundry", `saycan.planner.unable`).
        Failed steps stay in the prompt marked ``(failed)`` so the LLM can replan (Inner Monologue);
        each step is written to ``writer`` as it finishes. With ``planner.ask=conformal``, ``ask(options)``
        answers the questions (None: ``planner.ask_fallback``). ``on_start(trace)`` is called once the request
        is read (translated, its missing objects settled), before the first step.
        """
        instruction = clean_instruction(instruction)
        trace = PlanTrace(instruction, scene, goal=format_goal(goal) if goal else None, meta=dict(meta or {}))
        writer = writer or NullWriter()
        if self.translator is not None and (read := self.translator(instruction)) is not None:
            trace.meta["language"], instruction = read  # the trace keeps the request as typed
            trace.meta["read_as"] = instruction
        unable = unable_verbs(instruction, [s.template for s in self.skills.values()], env.world.scene.locations)
        missing = missing_in(instruction, env.world)  # never swap in the nearest thing: ask, or say so and stop
        if unable:  # no skill folds the laundry: nothing to offer instead, so say so whether asking or not
            trace.warnings, trace.stop_reason = unable_warnings(unable, self.skills), "not_possible"
        elif missing and self.asks:
            read, trace.questions = ask_instead(instruction, missing, ask)
            if read is None:
                refused = any(q.by == "person" for q in trace.questions)
                trace.stop_reason = "stopped_by_person" if refused else "not_possible"
            else:
                instruction = trace.meta["read_as"] = read
        elif missing:
            trace.warnings, trace.stop_reason = refusal_warnings(missing), "not_possible"
        if not trace.stop_reason:
            request = self.begin(instruction, env.world)
            trace.meta["pay"] = request.pay.goal_texts(3) if request.pay else None  # the request's likeliest goals
        writer.header(trace)
        for question in trace.questions:  # which object to take instead of one the scene lacks
            writer.question(question)
        if on_start:
            on_start(trace)
        if trace.stop_reason:  # nothing to do: said so, or the person chose none
            writer.end(trace)
            return trace
        strategy, trace.stop_reason = self.strategy(), "max_steps"
        for index in range(1, self.settings.max_steps + 1):
            choice = strategy.choose(request, env, index, ask)  # say x can x pay, then pick
            if choice.question is not None:
                trace.questions.append(choice.question)
                writer.question(choice.question)
            if choice.option is None:
                trace.stop_reason = choice.stop
                break
            try:
                step = self.execute(index, request, env, choice)
            except ExecutorError:  # e.g. the policy server is down: no later step could run either
                trace.stop_reason = "executor_unreachable"
                writer.end(trace)
                raise
            strategy.observed(step.success, env.world)
            trace.steps.append(step)
            writer.step(step)
            if on_step:
                on_step(step)
            if self.skills[step.skill].terminal and step.success:
                trace.finished, trace.stop_reason = True, "done"
                break
        if goal is not None:
            trace.goal_reached = goal_reached(goal, env.world)
        writer.end(trace)
        return trace

    def execute(self, index: int, request: Request, env: PlanEnv, choice: Choice) -> Step:
        """Run the chosen option in ``env`` and record it: the step as the trace keeps it."""
        assert choice.option is not None
        option = request.option(choice.option.text)
        start = time.perf_counter()
        result = env.execute(self.skills[option.skill], option)
        timings = {**choice.scores.timings, "execute_s": time.perf_counter() - start}
        request.record(option.text, result.success, result.message)
        scores = choice.scores
        return Step(
            index, scores.prompt, scores.options, option.text, option.skill, option.kwargs, result.success,
            result.message, timings, env.world.snapshot(), choice.chosen_by, scores.generated,
            {**scores.info, **result.info},
        )  # fmt: skip
