"""The SayCan planning loop: score every skill by "say" (LLM) times "can" (value function)."""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace

from saycan.affordance import AffordanceModel, StateAffordance
from saycan.envs.base import PlanEnv
from saycan.errors import ConfigError, warn
from saycan.llm.base import Scorer
from saycan.planner.examples import FewShot
from saycan.planner.generative import GenerativeChooser
from saycan.planner.prompt import PromptTemplate, examples_from
from saycan.planner.termination import TerminationCheck, reweight
from saycan.planner.trace import PlanTrace, ScoredOption, Step, TraceWriter
from saycan.skill import Option, Skill
from saycan.world.catalogue import missing_objects
from saycan.world.predicates import Goal, format_goal, goal_reached
from saycan.world.state import SymbolicWorld

REDUCTIONS = ("sum", "mean")
RECOVERIES = ("retry", "replan")
SCORINGS = ("saycan", "generative")
TERMINATIONS = ("none", "ask")
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


def _count(key: str, value: object) -> int:
    """A planner setting that counts something: an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise ConfigError(f"planner.{key} must be an integer >= 1, got {value!r}")
    if int(value) < 1:
        raise ConfigError(f"planner.{key} must be >= 1, got {value!r}")
    return int(value)


def normalise(logprobs: Sequence[float]) -> list[float]:
    """Softmax over the candidates: p_LLM(option) / sum over all options, in [0, 1]."""
    top = max(logprobs)
    weights = [math.exp(lp - top) for lp in logprobs]
    total = sum(weights)
    return [w / total for w in weights]


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
    ) -> None:
        if score_reduction not in REDUCTIONS:
            raise ConfigError(f"planner.score_reduction={score_reduction!r}; valid: {', '.join(REDUCTIONS)}")
        max_steps, max_attempts = _count("max_steps", max_steps), _count("max_attempts", max_attempts)
        if recovery not in RECOVERIES:
            raise ConfigError(f"planner.recovery={recovery!r}; valid: {', '.join(RECOVERIES)}")
        if scoring not in SCORINGS:
            raise ConfigError(f"planner.scoring={scoring!r}; valid: {', '.join(SCORINGS)}")
        if termination not in TERMINATIONS:
            raise ConfigError(f"planner.termination={termination!r}; valid: {', '.join(TERMINATIONS)}")
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
    ) -> tuple[str, list[ScoredOption], dict[str, float], str | None]:
        """Score every option for the next step.

        Args:
            template: The prompt for this instruction (default: ``self.prompt``; see `prompt_for`).

        Returns:
            (prompt, (n_options,) scored options in candidate order, timings in seconds plus
            ``tokens`` scored and ``p_complete`` (with ``termination="ask"``), the step the LLM
            wrote with ``scoring="generative"`` else None).
        """
        world = env.world
        prompt = (template or self.prompt).render(instruction, history, world.objects, world.locations)
        t0 = time.perf_counter()
        info: dict[str, float] = {"tokens": 0.0}
        generated = None
        if self.generative:
            stops = [(template or self.prompt).separator, "\n"]
            generated, lps = self.generative(self.scorer, prompt, [o.text for o in options], stops)
        else:
            scores = self.scorer.score(prompt, [self.prompt.option_prefix + o.text for o in options])
            lps, info["tokens"] = scores.logprobs, float(scores.tokens_evaluated)
            if self.score_reduction == "mean":
                lps = [lp / max(n, 1) for lp, n in zip(lps, scores.n_tokens, strict=True)]
        bad = [o.text for o, lp in zip(options, lps, strict=True) if not math.isfinite(lp)]
        if bad:
            raise ConfigError(f"the LLM gave non-finite scores for {bad[:3]}; check llm settings")
        p_llm = normalise(lps)
        if self.termination:
            info["p_complete"] = self.termination.p_complete(self.scorer, instruction, [t for t, ok in history if ok])
            p_llm = reweight(p_llm, [self.skills[o.skill].terminal for o in options], info["p_complete"])
        t1 = time.perf_counter()
        affordances = self.affordance(env, self.skills, options)
        info.update(llm_s=t1 - t0, affordance_s=time.perf_counter() - t1)
        failures = failures or Counter()
        scored = []
        for option, lp, p, aff in zip(options, lps, p_llm, affordances, strict=True):
            if failures[option.text] >= self.max_attempts:
                aff = 0.0  # retry limit reached: stop proposing a skill that keeps failing
            # SayCan: pi = argmax_pi p(c_pi | s, l_pi) * p(l_pi | i), with p_LLM normalised over Pi.
            scored.append(ScoredOption(option.text, option.skill, lp, p, aff, p * aff))
        return prompt, scored, info, generated

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
    ) -> PlanTrace:
        """Plan and execute ``instruction`` in ``env`` until "done" wins or ``max_steps``.

        Failed steps stay in the prompt marked ``(failed)`` so the LLM can replan
        (as in Inner Monologue); each step is written to ``writer`` as it finishes.
        """
        instruction = clean_instruction(instruction)
        trace = PlanTrace(instruction, scene, goal=format_goal(goal) if goal else None, meta=dict(meta or {}))
        world = env.world
        for name, alike in missing_objects(instruction, world.objects, world.scene.attributes).items():
            trace.warnings.append(f"the scene has no {name}; its closest objects: {', '.join(alike)}")
            warn(trace.warnings[-1])  # the plan goes on with what there is
        if writer:
            writer.header(trace)
        options = self.candidates(env.world)
        template = self.prompt_for(instruction, env.world, options)
        by_text = {o.text: o for o in options}
        history: list[tuple[str, bool]] = []
        failures: Counter[str] = Counter()
        trace.stop_reason = "max_steps"
        for index in range(1, self.max_steps + 1):
            prompt, scored, timings, generated = self.score(instruction, env, history, options, failures, template)
            best = max(scored, key=lambda s: s.combined)  # first of equals: candidate order
            chosen_by = "saycan"
            if self.recovery == "retry" and history and not history[-1][1]:
                again = next(s for s in scored if s.text == history[-1][0])
                if again.affordance > 0:  # still feasible and under max_attempts: try it again
                    best, chosen_by = again, "retry"
            option = by_text[best.text]
            skill = self.skills[option.skill]
            t0 = time.perf_counter()
            result = env.execute(skill, option)
            timings["execute_s"] = time.perf_counter() - t0
            timings.update(result.info)
            if not result.success:
                failures[option.text] += 1
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
