"""Affordance models by name, the "can" of SayCan: ``learned`` (default), ``state``, ``none``."""

from saycan.affordance.base import AffordanceModel, checked_value
from saycan.affordance.none import NoAffordance
from saycan.affordance.state import StateAffordance
from saycan.registry import Registry

registry: Registry[AffordanceModel] = Registry("affordance")
registry.register("state", StateAffordance)
registry.register("none", NoAffordance)
registry.register("learned", "saycan.affordance.learned:LearnedAffordance")
make = registry.make  # _target_: saycan.affordance.make in conf/affordance/*.yaml

__all__ = ["AffordanceModel", "NoAffordance", "StateAffordance", "checked_value", "make", "registry"]
