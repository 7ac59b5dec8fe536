"""Pay on steps: calibrating (rho, beta, eps) on generated tasks' decisions, and measuring it on unseen wordings.

A decision is a state on a task's way (its gold plan, or after a wrong step) with every afforded option;
an option is positive when it starts a shortest plan to a success clause, and ``done`` is positive
only once a clause holds. Pay's value of each option is a probability that should match those labels.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from saycan.metrics import auroc, brier
from saycan.pay.data import step_examples
from saycan.pay.pay import Calibration, GoalState, PayPlan, pay_of
from saycan.plan_search import PlanSearch
from saycan.skill import Skill
from saycan.world.suite import Task

GRID = {
    "rho": (0.5, 1.0, 1.5, 2.0, 3.0),
    "beta": (0.0, 0.5, 1.0, 2.0, 4.0),
    "eps": (0.005, 0.01, 0.02, 0.05, 0.1),
}


@dataclass(frozen=True)
class Decision:
    """One decision: its options (``done`` last), their labels, and each reachable goal as Pay sees it."""

    options: tuple[str, ...]
    labels: tuple[bool, ...]
    goals: tuple[GoalState, ...]


def decisions(
    tasks: Iterable[Task], skills: Mapping[str, Skill], goals_of: Callable[[Task], list], seed: int = 0
) -> list[Decision]:
    """The decisions of ``tasks``; ``goals_of(task) -> [(Candidate, score)]`` is Pay's goal inference."""
    rng = random.Random(seed)
    search = PlanSearch(skills)
    out = []
    for task in tasks:
        plan = PayPlan(goals_of(task), task.scene, search, Calibration(), frozenset(skills))
        for ex in step_examples(task, skills, rng):
            labels = (*(o in ex.progress for o in ex.options), ex.done)
            out.append(Decision((*ex.options, "done"), labels, tuple(plan.per_goal(ex.world))))
    return out


def pay_values(d: Decision, c: Calibration) -> list[float]:
    """Pay of each option of ``d`` under calibration ``c``, as the planner computes it (`pay_of`)."""
    return pay_of(d.options, [False] * (len(d.options) - 1) + [True], d.goals, c)[0]


def log_likelihood(ds: Sequence[Decision], c: Calibration) -> float:
    total = 0.0
    for d in ds:
        for y, p in zip(d.labels, pay_values(d, c), strict=True):
            p = min(max(p, 1e-6), 1 - 1e-6)
            total += math.log(p if y else 1 - p)
    return total


def calibrate(ds: Sequence[Decision]) -> Calibration:
    """The grid's calibration with the highest likelihood of the step labels."""
    grid = [Calibration(r, b, e) for r, b, e in itertools.product(*GRID.values())]
    return max(grid, key=lambda c: log_likelihood(ds, c))


def step_metrics(ds: Sequence[Decision], c: Calibration) -> dict[str, float]:
    """AUROC and Brier of Pay's values against the labels, and how often the top option is right."""
    labels, values, top1 = [], [], []
    for d in ds:
        v = pay_values(d, c)
        labels += d.labels
        values += v
        top1.append(d.labels[int(np.argmax(v))])
    y, p = np.array(labels), np.array(values)
    return {"auroc": auroc(y, p), "brier": brier(y, p), "top1": float(np.mean(top1)), "decisions": len(ds)}
