"""Plan search (SayCanPay's planner): partial plans scored as a whole, expanded in the symbolic model of the world.

A partial plan's score is the sum over its steps of log(p_LLM x value x pay), each step scored from the
state the steps before it lead to (their symbolic effects: value functions then say what is feasible
there). The ``width`` best partial plans are kept at each depth; the search stops when the best plan
ending with ``done`` scores higher than any unfinished one (adding steps only lowers a score). The
planner executes the best plan step by step and searches again from the real state after a step fails
or leaves the world otherwise than predicted.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

from saycan.envs.base import EnvView, PlanEnv, WorldView
from saycan.planner.scoring import StepScores
from saycan.skill import Option, Skill
from saycan.world.state import SkillFailure, SymbolicWorld


@dataclass(frozen=True)
class PlannedStep:
    """One step of a searched plan: how it was scored, its choice, and the state it should lead to."""

    scores: StepScores
    choice: str
    expected: Hashable


@dataclass
class Node:
    logscore: float
    world: SymbolicWorld
    history: list[tuple[str, bool]]
    steps: list[PlannedStep] = field(default_factory=list)


Score = Callable[[EnvView, list[tuple[str, bool]]], StepScores]  # (a state, the steps before it) -> its scores


class BeamSearch:
    """Searches plans ``width`` at a time, at most ``horizon`` steps deep.

    Args:
        skills: Skill id -> skill, for the symbolic effects.
        width: Partial plans kept per depth (``planner.beam_width``).
        horizon: Deepest plan searched.
    """

    def __init__(self, skills: dict[str, Skill], width: int, horizon: int) -> None:
        self.skills, self.width, self.horizon = skills, int(width), int(horizon)

    def plan(
        self, env: PlanEnv, history: Sequence[tuple[str, bool]], options: Sequence[Option], score: Score
    ) -> list[PlannedStep]:
        """The best plan from ``env``'s state; ``score(view, history)`` scores the next step in a view
        (the real env at the root, a `WorldView` of the symbolic model below it)."""
        by_text = {o.text: o for o in options}
        frontier = [Node(0.0, env.world.copy(), list(history))]
        complete: list[Node] = []
        for depth in range(self.horizon):
            children: list[Node] = []
            for node in frontier:
                view = env if depth == 0 else WorldView(node.world)
                scores = score(view, node.history)
                for s in sorted(scores.options, key=lambda o: -o.combined)[: self.width]:
                    if s.combined <= 0:
                        break
                    child = self._child(node, by_text[s.text])
                    if child is None:
                        continue
                    planned = PlannedStep(scores, s.text, child.key())
                    grown = Node(node.logscore + math.log(s.combined), child, [*node.history, (s.text, True)],
                                 [*node.steps, planned])  # fmt: skip
                    (complete if self.skills[s.skill].terminal else children).append(grown)
            frontier = sorted(children, key=lambda n: -n.logscore)[: self.width]
            best_done = max((n.logscore for n in complete), default=-math.inf)
            if not frontier or best_done >= frontier[0].logscore:
                break
        # Out of depth: an unfinished plan scoring above every finished one is still the better start.
        best = max(complete + frontier, key=lambda n: n.logscore, default=None)
        return best.steps if best else []

    def _child(self, node: Node, option: Option) -> SymbolicWorld | None:
        """The world after ``option`` in the symbolic model, or None when its effect cannot run."""
        world = node.world.copy()
        try:
            self.skills[option.skill].apply(world, **option.kwargs)
        except SkillFailure:
            return None
        return world
