"""Scripted experts for the arm skills: the next end-effector delta, read from the sim's true state."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pybullet as p

from saycan.sim.env import ACTION_HIGH, ACTION_LOW, KitchenEnv
from saycan.sim.layout import object_model
from saycan.sim.primitives import ABOVE, grasp_point, open_spot

LIFT_SPEED = 0.05  # m per control step once the object is in hand (or released)
AT = 0.01  # metres: close enough to grasp or release
ABOVE_XY = 0.02  # metres: within this of the grasp column, descend; else go to the pre-grasp point
YAW_OK = 0.06  # radians: aligned enough to descend onto a box


def box_yaw(object: str) -> float | None:
    """Gripper yaw relative to the base for a top-down grasp of ``object``; None: any yaw works."""
    return math.pi / 2 if object_model(object).shape == "box" else None


def _to_base(env: KitchenEnv, world_delta: np.ndarray) -> np.ndarray:
    yaw = env.sim.robot.pose[2]
    c, s = math.cos(yaw), math.sin(yaw)
    return np.array([c * world_delta[0] + s * world_delta[1], -s * world_delta[0] + c * world_delta[1], world_delta[2]])


def _yaw_error(env: KitchenEnv, want: float | None) -> float:
    """Signed radians to turn the gripper to ``want`` (modulo pi: the fingers are symmetric)."""
    if want is None:
        return 0.0
    current = p.getEulerFromQuaternion(env.sim.robot.ee_pose()[1])[2] - env.sim.robot.pose[2]
    return (want - current + math.pi / 2) % math.pi - math.pi / 2


def _reach(env: KitchenEnv, target: np.ndarray, dyaw: float, gripper: float) -> np.ndarray:
    delta = _to_base(env, target - env.sim.robot.ee_pose()[0])
    return np.clip(np.array([*delta, 0.0, 0.0, dyaw, gripper]), ACTION_LOW, ACTION_HIGH)


@dataclass
class PickExpert:
    """Top-down grasp: over the object (turning to a box's narrow side), down, close, lift."""

    object: str

    def __call__(self, env: KitchenEnv) -> np.ndarray:
        sim = env.sim
        if sim.held_name() == self.object:
            return np.array([0, 0, LIFT_SPEED, 0, 0, 0, -1.0])
        grasp = grasp_point(sim, self.object)
        yaw_error = _yaw_error(env, box_yaw(self.object))
        error = grasp - sim.robot.ee_pose()[0]
        if np.linalg.norm(error) < AT and abs(yaw_error) < YAW_OK:
            return np.array([0, 0, 0.02, 0, 0, 0, -1.0])  # close (the gripper closes first), then start lifting
        descend = np.linalg.norm(error[:2]) < ABOVE_XY and abs(yaw_error) < YAW_OK
        return _reach(env, grasp if descend else grasp + ABOVE, yaw_error, 1.0)


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
        error = self.spot - sim.robot.ee_pose()[0]
        if np.linalg.norm(error) < AT:
            return np.array([0, 0, 0, 0, 0, 0, 1.0])
        descend = np.linalg.norm(error[:2]) < ABOVE_XY
        return _reach(env, self.spot if descend else self.spot + ABOVE, 0.0, -1.0)


EXPERTS = {"pick_up": PickExpert, "put_down": PlaceExpert}
