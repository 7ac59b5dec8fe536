"""The simulated person who answers the planner's questions in ``saycan.eval`` (``planner.ask=conformal``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from saycan.envs.base import PlanEnv
from saycan.plan_search import PlanSearch
from saycan.planner.missing import SUBSTITUTE, substitute_object
from saycan.planner.trace import ScoredOption
from saycan.world.state import SkillFailure
from saycan.world.suite import Task

if TYPE_CHECKING:
    from saycan.planner.loop import SayCanPlanner


# What a question turned out to be, as the person sees it: how many options of the set start a shortest plan
# to the goal. "several_right": any of them would do (two right objects, two right orders), so asking
# was not needed; "one_right": the question told a right option from wrong ones; "none_right": it did not.
QUESTION_KINDS = ("several_right", "one_right", "none_right")


class SimulatedPerson:
    """Knows the task's goal: picks the option of the set that starts a shortest plan to it (``done`` once
    it holds), else the one after which it is nearest, and answers "none of these" when the goal is
    reachable after none of them. ``kinds`` holds each question's `QUESTION_KINDS` entry.

    Args:
        task: The task being planned (its success clauses and start state).
        planner: The planner asking (its skills give each option's symbolic effect).
        env: The env the plan runs in; the person looks at its world when asked.
    """

    def __init__(self, task: Task, planner: SayCanPlanner, env: PlanEnv) -> None:
        self.planner, self.env = planner, env
        self.search = PlanSearch(planner.skills)
        self.goal = self.search.undisturbed(task.goal, task.scene)  # right means no side effects either
        self.kinds: list[str] = []
        self.wanted = {name for clause in task.goal for p in clause for name in p.args}  # objects and places

    def __call__(self, options: list[ScoredOption]) -> ScoredOption | None:
        if options and options[0].skill == SUBSTITUTE:  # "there is no banana: which instead?"
            return self.substitute(options)
        world = self.env.world
        now = self.search.progress(world, self.goal)
        by_text = {o.text: o for o in self.planner.candidates(world)}
        best: tuple[tuple[int, int], ScoredOption] | None = None
        right = 0
        for scored in options:  # best score first: ties go to the planner's favourite
            skill = self.planner.skills[scored.skill]
            if skill.terminal:
                distance = -1 if now.distance == 0 else None
            else:
                after = world.copy()
                try:
                    skill.apply(after, **by_text[scored.text].kwargs)
                except SkillFailure:
                    continue
                distance = self.search.progress(after, self.goal).distance
            if distance is None:
                continue
            rank = (0 if scored.text in now.steps or distance < 0 else 1, distance)  # a shortest plan's step first
            right += rank[0] == 0
            if best is None or rank < best[0]:
                best = (rank, scored)
        self.kinds.append(QUESTION_KINDS[0 if right > 1 else 1 if right else 2])
        return best[1] if best else None

    def substitute(self, options: list[ScoredOption]) -> ScoredOption | None:
        """The object or place offered instead of a missing one that the task's goal names; else "none of these"."""
        pick = next((o for o in options if substitute_object(o) in self.wanted), None)
        self.kinds.append("one_right" if pick else "none_right")
        return pick
