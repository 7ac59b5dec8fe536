"""Success detectors: whether a skill achieved its effect, read from the simulator state."""

from __future__ import annotations

from saycan.sim.kitchen import KitchenSim
from saycan.sim.layout import object_model


def base_at(sim: KitchenSim, location: str) -> bool:
    """The base is docked at ``location``."""
    return bool(sim.robot_station() == location)


def lifted_in_gripper(sim: KitchenSim, name: str, surface_height: float) -> bool:
    """``name`` is attached to the hand and clear of the surface it was on."""
    return bool(
        sim.held_name() == name and sim.position(name)[2] - object_model(name).height / 2 > surface_height + 0.03
    )


def resting_on(sim: KitchenSim, name: str, location: str) -> bool:
    """``name`` is released, on ``location``'s surface, and still."""
    if sim.held_name() == name:
        return False
    return bool(sim.station_of(name) == location and sim.speed(sim.objects[name]) < 0.05)


def spill_removed(sim: KitchenSim, spill: str) -> bool:
    """The spill decal is gone (wiped to the coverage threshold)."""
    return sim.spills[spill].body is None
