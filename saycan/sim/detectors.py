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


def door_is(sim: KitchenSim, location: str, closed: bool) -> bool:
    """``location``'s door is shut (``closed``) or open."""
    return (location in sim.closed) == closed


def skill_succeeded(sim: KitchenSim, skill: str, here: str | None, **kwargs: str) -> bool | None:
    """The success detector of an arm skill run by a learned policy; None for skills without one.

    ``here`` is the station the robot was docked at when the skill started.
    """
    if skill == "pick_up" and here is not None:
        return lifted_in_gripper(sim, kwargs["object"], sim.stations[here].height)
    if skill == "put_down" and here is not None:
        return sim.robot.gripper_open and resting_on(sim, kwargs["object"], here)
    if skill == "wipe":
        return spill_removed(sim, kwargs["spill"])
    return None
