"""The symbolic environment: skills act on the scene graph through their effects."""

from __future__ import annotations

from collections.abc import Mapping

from saycan.envs.base import ForcedFailures
from saycan.skill import ExecResult, Option, Skill
from saycan.world.scene import Scene
from saycan.world.state import SkillFailure, SymbolicWorld


class SymbolicEnv:
    """Runs skills by applying their symbolic effects; a failed precondition fails the skill.

    Args:
        scene: The start state.
        force_failures: Skill text -> how many of its next attempts fail without effect,
            to exercise replanning (the same option as ``sim.force_failures``).
    """

    def __init__(self, scene: Scene, force_failures: Mapping[str, int] | None = None) -> None:
        self.world = SymbolicWorld(scene)
        self.sim = None  # no simulator: value functions read the scene graph
        self.force_failures = ForcedFailures(force_failures)

    def execute(self, skill: Skill, option: Option) -> ExecResult:
        if self.force_failures.take(option.text):
            return ExecResult(False, "forced failure (force_failures)")
        try:
            skill.apply(self.world, **option.kwargs)
        except SkillFailure as exc:
            return ExecResult(False, str(exc))
        return ExecResult(True)

    def close(self) -> None:
        pass
