"""The symbolic environment: skills act on the scene graph through their effects."""

from __future__ import annotations

from saycan.envs.base import ExecResult
from saycan.scene import Scene
from saycan.world import SkillFailure, SymbolicWorld
from skills.skill import Option, Skill


class SymbolicEnv:
    """Runs skills by applying their symbolic effects; a failed precondition fails the skill."""

    def __init__(self, scene: Scene) -> None:
        self.world = SymbolicWorld(scene)

    def execute(self, skill: Skill, option: Option) -> ExecResult:
        try:
            skill.apply(self.world, **option.kwargs)
        except SkillFailure as exc:
            return ExecResult(False, str(exc))
        return ExecResult(True)

    def close(self) -> None:
        pass
