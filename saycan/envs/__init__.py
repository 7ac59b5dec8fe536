"""Planner environments by name: ``symbolic`` (the scene graph) and ``pybullet`` (the simulated kitchen)."""

from saycan.envs.base import ForcedFailures, PlanEnv
from saycan.registry import Registry

registry: Registry[PlanEnv] = Registry("env")
registry.register("symbolic", "saycan.envs.symbolic:SymbolicEnv")
registry.register("pybullet", "saycan.envs.pybullet:KitchenEnv")
make = registry.make  # _target_: saycan.envs.make in conf/env/*.yaml; the scene is passed when built

__all__ = ["ForcedFailures", "PlanEnv", "make", "registry"]
