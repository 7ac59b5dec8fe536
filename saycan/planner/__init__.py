"""The SayCan planner by name (``saycan``): the loop, its prompt, retrieval, levers and traces."""

from saycan.registry import Registry

registry: Registry = Registry("planner")
registry.register("saycan", "saycan.planner.loop:SayCanPlanner")
make = registry.make  # _target_: saycan.planner.make in conf/planner/*.yaml; parts are passed when built

__all__ = ["make", "registry"]
