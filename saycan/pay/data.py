"""Training data for Pay from generated tasks: what a request asks for, and which steps are progress.

Goal examples: a request with the kinds of goal, the objects and the places its success clauses name.
Step examples: for states along each gold plan (and after a wrong step, to learn recovery), every
afforded option labelled positive when it starts a shortest plan to a success clause, and ``done``
positive only once a clause holds.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from saycan.pay.goal_scores import SceneGoals
from saycan.pay.goals import KINDS, MAX_PARTS, pairs
from saycan.plan_search import PlanSearch
from saycan.skill import Skill
from saycan.world.predicates import Goal
from saycan.world.state import SymbolicWorld
from saycan.world.suite import Task


@dataclass(frozen=True)
class GoalExample:
    """One request in its start scene, with what a parse of it should find.

    Attributes:
        kinds: The kinds of goal asked for (`saycan.pay.goals.KINDS`), from the right goals' parts.
        count: 1 or 2 parts.
        objects, places: The objects and places the right goals name.
        right: The right goals' predicate sets (any one will do).
        object_kinds: (object, the kinds of goal asked of it) for each object named.
        scene_goals: The start scene's one-predicate goals, indexed once for every epoch that reads them.
        in_clause: Positions in ``scene_goals.goals`` of the goals that are part of a success clause.
        alike: Whether the request asks for several things of one kind ("every drink", "two snacks"), or
            for several things not so (two named ones, two requests in one); None for one thing.
    """

    request: str
    task: Task
    kinds: frozenset[str]
    count: int
    objects: frozenset[str]
    places: frozenset[str]
    right: frozenset[frozenset]
    object_kinds: tuple[tuple[str, frozenset[str]], ...]
    scene_goals: SceneGoals
    in_clause: tuple[int, ...]
    alike: bool | None = None


def goal_example(task: Task, kinds: Sequence[str] = KINDS, places_described: bool = True) -> GoalExample | None:
    """What ``task``'s request asks for, read from its success clauses (None when no candidate goal is one),
    for a scorer that reads ``kinds`` and describes places (`saycan.pay.model.GoalScorer`)."""
    clauses = {frozenset(c) for c in task.goal}
    scene_goals = SceneGoals.of(task.scene, kinds, places_described)
    ones = scene_goals.goals
    in_clause = tuple(i for i, c in enumerate(ones) if any(c.predicates <= clause for clause in clauses))
    inside = [ones[i] for i in in_clause]
    joined = [c for size in range(2, MAX_PARTS + 1) for c in pairs(inside, size)] if len(inside) <= 12 else []
    right = [c for c in ones + joined if c.predicates in clauses]
    if not right:
        return None
    parts = [p for c in right for p in c.parts]
    several = len(right[0].parts) > 1
    return GoalExample(
        task.instruction,
        task,
        frozenset(p.kind for p in parts),
        len(right[0].parts),
        frozenset(p.object for p in parts if p.object is not None),
        frozenset(p.location for p in parts if p.location is not None),
        frozenset(c.predicates for c in right),
        tuple(
            (o, frozenset(p.kind for p in parts if p.object == o)) for o in sorted({p.object for p in parts} - {None})
        ),
        scene_goals,
        in_clause,
        (task.template.startswith(("long_horizon:set", "long_horizon:two")) if several else None),
    )


@dataclass(frozen=True)
class StepExample:
    """One decision: the options afforded in a state, which start a shortest plan, and whether ``done`` is right."""

    task: Task
    world: SymbolicWorld
    options: tuple[str, ...]
    progress: frozenset[str]
    done: bool


def step_examples(task: Task, skills: Mapping[str, Skill], rng: random.Random, detours: int = 1) -> list[StepExample]:
    """Decisions along the task's gold plan, and ``detours`` states reached by a wrong step from it."""
    search = PlanSearch(skills)
    goal: Goal = search.undisturbed(task.goal, task.scene)
    out: list[StepExample] = []
    states = search.along(task.scene, task.plan[:-1])
    for _ in range(detours):
        here = rng.choice(states[:-1]) if len(states) > 1 else states[0]
        wrong = list(search.successors(here, set(here.objects)))
        if wrong:
            states.append(rng.choice(wrong)[1])
    for state in states:
        progress = search.progress(state, goal)
        if progress.distance is None:
            continue
        afforded = tuple(o.text for o in search.options(state) if skills[o.skill].value(state, **o.kwargs) > 0)
        out.append(StepExample(task, state, afforded, progress.steps, progress.distance == 0))
    return out
