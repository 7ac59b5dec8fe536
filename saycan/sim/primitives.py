"""The skills as motion primitives: navigate, pick, place, wipe, open and close; each checked by its detector."""

from __future__ import annotations

import math

import numpy as np
import pybullet as p

from saycan.sim import detectors
from saycan.sim.kitchen import KitchenSim
from saycan.sim.layout import object_model
from saycan.sim.robot import REACH, down
from saycan.sim.spill import SPILL_SIZE
from saycan.skill import ExecResult
from saycan.world.scene import USER

APPROACH = 0.12  # metres above the grasp/release point before descending
ABOVE = np.array([0.0, 0.0, APPROACH])
LIFT = np.array([0.0, 0.0, 0.25])  # clear of neighbours before the arm tucks with the object


def navigate(sim: KitchenSim, location: str) -> ExecResult:
    if location not in sim.stations:
        return ExecResult(False, f"no place called {location!r}")
    sim.robot.tuck()
    sim.robot.drive(*sim.stations[location].dock)
    ok = detectors.base_at(sim, location)
    return ExecResult(ok, "" if ok else f"the base did not reach the {location}")


def find(sim: KitchenSim, object: str) -> ExecResult:
    if sim.held_name() == object:
        return ExecResult(False, f"the {object} is in the gripper")
    location = sim.reach_station(object)
    if location is None:
        return ExecResult(False, f"the {object} lies on the floor, out of reach from every place")
    return navigate(sim, location)


def occluded(sim: KitchenSim, object: str) -> bool:
    """Something other than the object is the first thing straight above it."""
    pos = sim.position(object)
    top = pos[2] + object_model(object).height / 2
    hit = p.rayTest((pos[0], pos[1], top + 0.5), (pos[0], pos[1], top - 0.005), physicsClientId=sim.client)[0]
    return hit[0] not in (-1, sim.objects[object])


def grasp_point(sim: KitchenSim, object: str) -> np.ndarray:
    """Where the fingertips close on ``object``: `ObjectModel.grip_depth` below its top."""
    model = object_model(object)
    if sim.station_of(object) is None:  # fallen, perhaps on its side: close on the top it shows now
        low, high = p.getAABB(sim.objects[object], physicsClientId=sim.client)
        x, y, _ = sim.position(object)
        return np.array([x, y, high[2] - min(0.025, (high[2] - low[2]) / 2)])
    return sim.position(object) + np.array([0, 0, model.height / 2 - model.grip_depth])


def grasp_yaw(object: str) -> float | None:
    """Gripper yaw relative to the base for a top-down grasp: across a box's narrow side; None: any yaw works."""
    return math.pi / 2 if object_model(object).shape == "box" else None


def pick(sim: KitchenSim, object: str, slip: bool = False) -> ExecResult:
    """Top-down grasp: approach, descend, close, contact check, attach, lift."""
    robot = sim.robot
    if sim.held_name() is not None:
        return ExecResult(False, f"the hand is full (holding the {sim.held_name()})")
    here, on = sim.robot_station(), sim.station_of(object)
    pos, surface = sim.position(object), sim.stations[on].height if on is not None else 0.0  # 0: the floor
    if here is None or sim.reach_station(object) != here or np.linalg.norm((pos - robot.arm_base())[:2]) > REACH:
        return ExecResult(False, f"the {object} is out of reach")
    if on is not None and here in sim.closed:
        return ExecResult(False, f"the {here} is closed")
    if occluded(sim, object):
        return ExecResult(False, f"the {object} is occluded from above")
    grasp = grasp_point(sim, object)
    orn = down(robot.pose[2] + (grasp_yaw(object) or 0.0))
    robot.gripper(True, ticks=5)
    robot.move_ee(grasp + ABOVE, orn)
    error = robot.move_ee(grasp, orn, speed=0.3)
    robot.gripper(False, ticks=20)
    touching = robot.finger_contacts(sim.objects[object]) > 0
    if error > 0.03 or not touching or slip or sim.rng.random() < sim.noise:
        robot.gripper(True, ticks=10)
        robot.move_ee(grasp + ABOVE, orn)
        robot.tuck()
        why = "no finger contact" if not touching or error > 0.03 else "the grasp slipped"
        return ExecResult(False, f"could not grasp the {object}: {why}")
    sim.attach(object)
    robot.move_ee(grasp + LIFT, orn)
    ok = detectors.lifted_in_gripper(sim, object, surface)
    robot.tuck()
    return ExecResult(ok, "" if ok else f"the {object} was not lifted")


def _open_spots(sim: KitchenSim, location: str, ignore: str | None = None) -> list[np.ndarray]:
    """Resting spots of ``location`` with no object (other than ``ignore``) within 11 cm."""
    station = sim.stations[location]
    others = [sim.position(o)[:2] for o in sim.objects if o != ignore and sim.station_of(o) == location]
    spots = [np.array(station.to_world(along, across)[:2]) for along, across in station.slots()]
    return [xy for xy in spots if all(np.linalg.norm(xy - o) > 0.11 for o in others)]


def free_slots(sim: KitchenSim, location: str) -> int:
    """How many resting spots of ``location`` are free."""
    return len(_open_spots(sim, location))


def open_spot(sim: KitchenSim, object: str) -> np.ndarray | None:
    """Where the gripper lets go of the held ``object`` on the surface here: the first free spot; None if full."""
    here = sim.robot_station()
    spots = _open_spots(sim, here, ignore=object) if here is not None else []
    if not spots:
        return None
    height = sim.stations[here].height + sim.grasp_offsets.get(object, 0.05) + 0.004
    return np.array([*spots[0], height])


def place(sim: KitchenSim, object: str) -> ExecResult:
    """Lower the held object onto a free spot of the surface here and let go."""
    robot = sim.robot
    if sim.held_name() != object:
        return ExecResult(False, f"not holding the {object}")
    here = sim.robot_station()
    if here is None:
        return ExecResult(False, "not at a surface")
    if here in sim.closed:
        return ExecResult(False, f"the {here} is closed")
    release = open_spot(sim, object)
    if release is None:
        return ExecResult(False, f"no free surface at the {here}")
    orn = robot.ee_pose()[1]
    robot.move_ee(release + ABOVE, orn)
    robot.move_ee(release, orn, speed=0.3)
    robot.detach()
    robot.gripper(True, ticks=10)
    robot.move_ee(release + ABOVE, orn)
    robot.tuck()
    sim.settle(sim.objects[object])
    ok = detectors.resting_on(sim, object, here)
    return ExecResult(ok, "" if ok else f"the {object} did not come to rest on the {here}")


def door(sim: KitchenSim, location: str, close: bool) -> ExecResult:
    """Drive to ``location`` if need be, take its door's handle, and swing it shut or open."""
    if location not in sim.stations:
        return ExecResult(False, f"no place called {location!r}")
    if sim.robot_station() != location:
        moved = navigate(sim, location)
        if not moved.success:
            return moved
    robot = sim.robot
    handle = sim.handle(location)
    orn = down(robot.pose[2])
    robot.move_ee(handle + ABOVE, orn)
    robot.move_ee(handle, orn, speed=0.3)
    sim.set_door(location, closed=close)
    robot.move_ee(handle + ABOVE, orn)
    robot.tuck()
    ok = detectors.door_is(sim, location, closed=close)
    return ExecResult(ok, "" if ok else f"the {location} did not {'close' if close else 'open'}")


def bring(sim: KitchenSim) -> ExecResult:
    if sim.held_name() is None:
        return ExecResult(False, "holding nothing to bring")
    return navigate(sim, USER)


def wipe(sim: KitchenSim, spill: str, tool: str = "sponge") -> ExecResult:
    """Strokes of the held sponge over the spill until the decal is covered."""
    robot = sim.robot
    if sim.held_name() != tool:
        return ExecResult(False, f"not holding the {tool}")
    state = sim.spills[spill]
    if sim.robot_station() != state.station:
        return ExecResult(False, f"the {spill} is not here")
    if state.body is None:
        return ExecResult(False, f"the {spill} is already clean")
    station = sim.stations[state.station]
    center = state.points.mean(axis=0)
    fx, fy = station.forward
    along, across = np.array([fx, fy]), np.array([-fy, fx])
    z = station.height + sim.grasp_offsets.get(tool, 0.02) + 0.004
    orn = robot.ee_pose()[1]
    half = SPILL_SIZE / 2 - 0.02
    robot.move_ee(np.array([*(center - half * along - half * across), z + APPROACH]), orn)
    for i, a in enumerate(np.linspace(-half, half, 5)):  # boustrophedon strokes across the spill
        sweep = (-half, half) if i % 2 == 0 else (half, -half)
        for b in sweep:
            target = np.array([*(center + a * along + b * across), z])
            start = robot.ee_pose()[0]
            for t in np.linspace(0, 1, 12)[1:]:
                robot.track(start + t * (target - start), orn)
                ee = robot.ee_pose()[0]
                sim.wipe_at(ee[:2], height_ok=ee[2] < z + 0.03)
        if state.body is None:
            break
    robot.move_ee(robot.ee_pose()[0] + ABOVE, orn)
    robot.tuck()
    ok = detectors.spill_removed(sim, spill)
    return ExecResult(ok, "" if ok else f"the {spill} is only {state.coverage:.0%} wiped")
