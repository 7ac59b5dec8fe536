"""Pay (SayCanPay, Hazra et al. 2024) at planning time: p(a step brings the request closer to done).

At the start of a plan the request's goal is inferred: the `GoalScorer` parses the request against the
scene and scores its candidate goals (one predicate, then pairs of the best). At every step, a goal g
gets the weight

    q(g | request, state)  ∝  exp(rho * score(request, g) - beta * distance(state, g))

(the nearest of equally likely goals is the one being pursued), and each option gets

    pay(option) = eps + (1 - eps) * sum_g q(g) [option starts a shortest plan to g]
    pay(done)   = eps + (1 - eps) * sum_g q(g) [g holds]

where plans are searched in the symbolic world and leave everything else where it was
(`saycan.plan_search`). ``rho``, ``beta`` and ``eps`` are fitted on generated tasks' steps (gold
next steps positive, every other afforded option negative). The planner never sees a task's success
clauses: the goal is inferred from the request and the start state only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from saycan.errors import ConfigError, require_bool
from saycan.pay.goals import Candidate
from saycan.pay.named import NAMED_BONUS
from saycan.plan_search import PlanSearch
from saycan.skill import Option, Skill
from saycan.text import NearCopies
from saycan.world.scene import Scene
from saycan.world.state import SymbolicWorld

# Goals whose prior weight exp(rho * score) is within this log-ratio of the best one's (half as likely) are read
# as the request's alike: the plan may pursue any of them ("bring me a drink": the coke or the water).
READING_RATIO = math.log(2.0)
# A request whose best-scored goal already holds at the start and carries at least this share of the goals'
# prior weight (softmax of rho * score) is read as done there ("find the apple" said beside the apple).
SURE_READING = 0.99


@dataclass(frozen=True)
class Calibration:
    """How goal scores and distances become step probabilities (fitted by ``saycan.train_pay``)."""

    rho: float = 1.0
    beta: float = 1.0
    eps: float = 0.02


@dataclass
class PayPlan:
    """Pay for one request: its inferred goals, then a value per option at each state.

    Attributes:
        goals: (goal, score) of the goals kept, best first.
        info: What the last call found (``p_done``, the likeliest goal's weight ``pay_goal_q``), for the trace.
        goal: The likeliest goal of the last call, as text.
        reading: The goal the plan pursues, seen from the last call's state: the likeliest (by q) of the goals
            read as likely as the best-scored one (`READING_RATIO`); when none of those can be reached from
            there, the best-scored goal with ``distance`` None. None before any call. A goal read as much less
            likely never takes over because the pursued one became unreachable (the bottle fell: "bring me the
            water bottle" is not turned into "wipe the spill").
    """

    goals: list[tuple[Candidate, float]]
    start: Scene
    search: PlanSearch
    calibration: Calibration
    trained: frozenset[str]
    info: dict[str, float] = field(default_factory=dict)
    goal: str | None = None
    reading: GoalState | None = None
    alike: frozenset[str] = frozenset()

    @property
    def p_done(self) -> float:
        """p(the request is done) in the state of the last call (1 before any call)."""
        return self.info.get("p_done", 1.0)

    def goal_texts(self, k: int) -> list[str]:
        return [g.text for g, _ in self.goals[:k]]

    def per_goal(self, world: SymbolicWorld) -> list[GoalState]:
        """(score, distance, first steps of its shortest plans, holds) of each goal reachable from ``world``.

        A goal is searched leaving everything else as it was at the start (`PlanSearch.undisturbed`); when
        that cannot be done any more (the bottle held at the start fell out of reach), the goal alone is:
        a side effect that cannot be undone does not make the request itself unreachable.
        """
        rows = []
        for goal, score in self.goals:
            progress = self.search.progress(world, self.search.undisturbed((goal.clause,), self.start))
            if progress.distance is None and world.on_floor:
                progress = self.search.progress(world, (goal.clause,))
            if progress.distance is not None:
                rows.append(
                    GoalState(goal.text, score, progress.distance, progress.steps, progress.distance == 0, goal.objects)
                )
        return rows

    def __call__(self, world: SymbolicWorld, options: Sequence[Option], terminal: Sequence[bool]) -> list[float]:
        """(n_options,) pay in [eps, 1]; options of skills Pay was not trained on get 1 (no opinion)."""
        rows = self.per_goal(world)
        values, q = pay_of([o.text for o in options], terminal, rows, self.calibration)
        for i, option in enumerate(options):
            if option.skill not in self.trained and not terminal[i]:
                values[i] = 1.0
        if rows:
            best = int(np.argmax(q))
            done = float(sum(qi for qi, r in zip(q, rows, strict=True) if r.holds))  # 0, not int 0: kept in the trace
            self.goal = rows[best].text
            self.info = {"pay_goal_q": round(q[best], 4), "p_done": round(done, 4)}
        else:  # no goal can be reached from here (an object fell out of reach): none holds either
            self.info = {"pay_goal_q": 0.0, "p_done": 0.0}
        likely = self.likely(rows, q)
        self.reading = self.pursued(likely)
        done_texts = [o.text for o, is_done in zip(options, terminal, strict=True) if is_done]
        held = done_texts if any(r.holds for _, r in likely) else []
        self.alike = frozenset().union(*(r.steps for _, r in likely), held)
        return values

    def likely(self, rows: Sequence[GoalState], q: Sequence[float]) -> list[tuple[float, GoalState]]:
        """(q, goal) of the ``rows`` read as likely as the best-scored goal of the request (`READING_RATIO`)."""
        if not self.goals:
            return []
        top = max(score for _, score in self.goals)
        rho = self.calibration.rho
        return [(qi, r) for qi, r in zip(q, rows, strict=True) if rho * (top - r.score) <= READING_RATIO]

    def pursued(self, likely: Sequence[tuple[float, GoalState]]) -> GoalState | None:
        """The `reading` of a state whose reachable goals read as likely as the best are ``likely`` ((q, goal),
        `likely`)."""
        if not self.goals:
            return None
        if likely:
            return max(likely, key=lambda pair: pair[0])[1]
        goal, score = self.goals[0]
        return GoalState(goal.text, score, None, frozenset(), False, goal.objects)


@dataclass(frozen=True)
class GoalState:
    """One goal seen from a state: its score, how far it is (None: out of reach), which steps start a shortest
    plan, whether it holds, and the objects it moves."""

    text: str
    score: float
    distance: int | None
    steps: frozenset[str]
    holds: bool
    objects: frozenset[str] = frozenset()


def pay_of(
    options: Sequence[str], terminal: Sequence[bool], rows: Sequence[GoalState], c: Calibration
) -> tuple[list[float], list[float]]:
    """((n_options,) pay, (n_goals,) q) for options in a state whose goals are ``rows`` (see the module doc)."""
    if not rows:
        return [c.eps] * len(options), []
    logits = [c.rho * r.score - c.beta * r.distance for r in rows]
    top = max(logits)
    mass = [math.exp(x - top) for x in logits]
    q = [m / sum(mass) for m in mass]
    done = sum(qi for qi, r in zip(q, rows, strict=True) if r.holds)
    values = []
    for text, is_done in zip(options, terminal, strict=True):
        p = done if is_done else sum(qi for qi, r in zip(q, rows, strict=True) if text in r.steps)
        values.append(c.eps + (1 - c.eps) * p)
    return values, q


class LearnedPay:
    """The trained Pay model (default: the checkpoint shipped with saycan).

    Args:
        checkpoint_path: Path stem of ``.safetensors`` + ``.json``; None for the shipped one.
        max_goals: Goals kept per request (the rest carry negligible weight).
        named_bonus: Added to a goal's score per object of it the request names (`saycan.pay.named`);
            0 reads as the model alone.
        read_sets: Read a set request's objects ("all the tools on the workbench", `saycan.pay.sets`) as
            named, and no other object; False reads such requests with the model alone.
        read_needs: Read a request in the person's own voice ("I need to drive a nail", `saycan.pay.needs`)
            as asking for a thing, not for the robot to hold it; False reads it with the model alone.
    """

    def __init__(
        self,
        checkpoint_path: str | Path | None = None,
        max_goals: int = 6,
        named_bonus: float = NAMED_BONUS,
        read_sets: bool = True,
        read_needs: bool = True,
    ) -> None:
        from saycan.pay.checkpoint import load
        from saycan.pay.model import TokenStates

        self.scorer, self.meta = load(checkpoint_path)
        self.states = TokenStates()
        self.calibration = Calibration(**self.meta.get("calibration", {}))
        self.trained = frozenset(self.meta.get("skills", ()))
        self.max_goals = int(max_goals)
        if isinstance(named_bonus, bool) or not isinstance(named_bonus, int | float) or named_bonus < 0:
            raise ConfigError(f"pay.named_bonus={named_bonus!r}: must be a number >= 0, e.g. pay.named_bonus=8")
        self.named_bonus = float(named_bonus)
        self.read_sets = require_bool("pay.read_sets", read_sets, example=False)
        self.read_needs = require_bool("pay.read_needs", read_needs, example=False)
        self._training: NearCopies | None = None  # the training requests' embeddings, made when first asked
        self._searches: dict[tuple[int, ...], PlanSearch] = {}

    def goals(self, instruction: str, world: SymbolicWorld) -> list[tuple[Candidate, float]]:
        """The request's most likely goals from ``world``'s state with their scores, best first.

        A request asks for a change: goals that already hold in ``world`` are dropped while any goal does
        not. Pay never trained on such goals (the generator makes no task that is done at the start), and at
        distance 0 they would outweigh the right goal a few steps away ("put the motor oil in the car"
        read as "the motor oil on the shelf", where it stands, and the plan `done` at once). Only a reading
        that holds and is all but certain (`SURE_READING`: "find the apple" said beside the apple, the
        apple named) keeps them: the request is done where it was made.
        """
        from saycan.pay.train import infer_goals

        scene = world.as_scene()
        rules = (self.named_bonus, self.read_sets, self.read_needs)
        ranked = infer_goals(self.scorer, self.states, instruction, scene, 2 * self.max_goals, *rules)
        holds = [all(p.holds(world) for p in g.predicates) for g, _ in ranked]
        open_goals = [goal for goal, held in zip(ranked, holds, strict=True) if not held]
        if open_goals and not (holds[0] and self._best_share(ranked) >= SURE_READING):
            ranked = open_goals
        return ranked[: self.max_goals]

    def _best_share(self, ranked: Sequence[tuple[Candidate, float]]) -> float:
        """The best of ``ranked`` (goal, score), best first: its share of the goals' prior weight exp(rho * score)."""
        top = ranked[0][1]
        return 1.0 / sum(math.exp(self.calibration.rho * (score - top)) for _, score in ranked)

    def nearest_training(self, text: str) -> tuple[str | None, float]:
        """The training request nearest to ``text`` as the hold-out measures it (MiniLM cosine, 1 for a
        request holding ``text``'s words in a row), for honest reports: (None, 0.0) when none are listed."""
        requests = self.meta.get("training_requests") or []
        if not requests:
            return None, 0.0
        if self._training is None:
            from saycan.embed import shared_embedder

            self._training = NearCopies(requests, shared_embedder())
        index, similarity = self._training.nearest_to(text)
        return requests[index], round(similarity, 4)

    def begin(self, instruction: str, world: SymbolicWorld, skills: Mapping[str, Skill]) -> PayPlan:
        """Infer the request's goals (`goals`) from the state the plan starts in."""
        key = tuple(sorted(id(s) for s in skills.values()))
        search = self._searches.setdefault(key, PlanSearch(skills))
        return PayPlan(self.goals(instruction, world), world.as_scene(), search, self.calibration, self.trained)


class NoPay:
    """``pay=none``: SayCan without Pay (every option's pay is 1)."""

    trained: frozenset[str] = frozenset()
    meta: Mapping[str, Any] = {}

    def begin(self, instruction: str, world: SymbolicWorld, skills: Mapping[str, Skill]) -> None:
        return None

    def nearest_training(self, text: str) -> tuple[str | None, float]:
        return None, 0.0
