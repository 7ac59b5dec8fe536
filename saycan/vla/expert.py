"""Scripted experts for the arm skills: the next end-effector delta, read from the sim's true state."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from saycan.envs.pybullet import ACTION_HIGH, ACTION_LOW, KitchenEnv
from saycan.sim.primitives import ABOVE, grasp_point, grasp_yaw, open_spot

LIFT_SPEED = 0.05  # m per control step once the object is in hand (or released)
# Close enough to grasp or release. The fingers open 8 cm, so the sim grasps every object from 4.5 cm
# off and 0.5 rad turned (measured); a generous zone leaves the policy a wide region in which
# "close the gripper" is right, instead of a sub-centimetre decision it cannot see at 96x96.
AT = 0.03  # metres
YAW_OK = 0.3  # radians
# The descent is a funnel: the gripper may sink below the pre-grasp height only as it centres over the
# target (and turns to a box's narrow side). A smooth function of what the camera sees is far easier to
# imitate from images than a switch at some threshold.
FUNNEL_XY = 0.04  # metres off-centre at which the gripper must still be at the pre-grasp height
FUNNEL_YAW = 0.4  # radians of misalignment likewise


def _yaw_error(env: KitchenEnv, want: float | None) -> float:
    """Signed radians to turn the gripper to ``want`` (modulo pi: the fingers are symmetric)."""
    if want is None:
        return 0.0
    current = env.sim.robot.ee_rpy_in_base()[2]
    return (want - current + math.pi / 2) % math.pi - math.pi / 2


def _funnel(env: KitchenEnv, goal: np.ndarray, yaw_error: float, gripper: float) -> np.ndarray:
    """Towards ``goal``, staying up to `ABOVE` over it until centred and aligned."""
    error = goal - env.sim.robot.ee_pose()[0]
    # Dead zones as wide as the grasp tolerances, so the gripper reaches the goal despite IK's steady-state error.
    off = max(
        max(float(np.linalg.norm(error[:2])) - AT, 0.0) / FUNNEL_XY, max(abs(yaw_error) - YAW_OK, 0.0) / FUNNEL_YAW
    )
    target = goal + min(off, 1.0) * ABOVE
    delta = env.sim.robot.to_base(target - env.sim.robot.ee_pose()[0])
    return np.clip(np.array([*delta, 0.0, 0.0, yaw_error, gripper]), ACTION_LOW, ACTION_HIGH)


@dataclass
class PickExpert:
    """Top-down grasp: over the object (turning to a box's narrow side), down, close, lift."""

    object: str

    def __call__(self, env: KitchenEnv) -> np.ndarray:
        sim = env.sim
        if sim.held_name() == self.object:
            return np.array([0, 0, LIFT_SPEED, 0, 0, 0, -1.0])
        grasp = grasp_point(sim, self.object)
        yaw_error = _yaw_error(env, grasp_yaw(self.object))
        error = grasp - sim.robot.ee_pose()[0]
        if np.linalg.norm(error) < AT and abs(yaw_error) < YAW_OK:
            return np.array([0, 0, 0.02, 0, 0, 0, -1.0])  # close (the gripper closes first), then start lifting
        return _funnel(env, grasp, yaw_error, 1.0)


@dataclass
class PlaceExpert:
    """Lower the held object onto the first free spot of the surface in front, open, rise."""

    object: str
    spot: np.ndarray | None = None

    def __call__(self, env: KitchenEnv) -> np.ndarray:
        sim = env.sim
        if sim.held_name() != self.object:
            return np.array([0, 0, LIFT_SPEED, 0, 0, 0, 1.0])
        if self.spot is None:
            self.spot = open_spot(sim, self.object)
            if self.spot is None:
                return np.array([0, 0, 0, 0, 0, 0, -1.0])  # nowhere to put it: hold
        if np.linalg.norm(self.spot - sim.robot.ee_pose()[0]) < AT:
            return np.array([0, 0, 0, 0, 0, 0, 1.0])
        return _funnel(env, self.spot, 0.0, -1.0)


EXPERTS = {"pick_up": PickExpert, "put_down": PlaceExpert}
