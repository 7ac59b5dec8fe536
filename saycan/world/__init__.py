"""The world model: scenes, the symbolic state skills change, goal predicates, task suites, name catalogue."""

from saycan.world.scene import ROBOT, USER, Scene
from saycan.world.state import SkillFailure, SymbolicWorld

__all__ = ["ROBOT", "USER", "Scene", "SkillFailure", "SymbolicWorld"]
