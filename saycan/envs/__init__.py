"""Environments by name: ``symbolic`` (the scene graph) and ``pybullet`` (the simulated kitchen)."""

from typing import Any

from saycan.envs.base import ExecResult, PlanEnv
from saycan.registry import Registry

registry: Registry[PlanEnv] = Registry("env")
registry.register("symbolic", "saycan.envs.symbolic:SymbolicEnv")
registry.register("pybullet", "saycan.sim.env:KitchenEnv")


def make(id: str, **kwargs: Any) -> PlanEnv:
    return registry.make(id, **kwargs)


__all__ = ["ExecResult", "PlanEnv", "make", "registry"]
