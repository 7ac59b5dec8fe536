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
RELEASE_HEIGHT = 0.01  # metres over the release spot at which the hand opens (`PlaceExpert`)
STALLED = 0.002  # metres the hand sinks in a step, under which the thing held is taken to rest on the surface


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
    """Top-down grasp: over the object (turning to a box's narrow side), down, close, lift.

    Attributes:
        object: The thing to pick up.
        offset: (3,) metres (world frame) to aim off the grasp point, and ``turn`` radians off a box's grasp
            yaw, to leave the thing in the hand as a policy's own picks do (`saycan.vla.episodes`); the
            recorded demos aim at the grasp point itself.
        at: How close to the aim (metres) the gripper closes; an aimed-off pick closes nearer than `AT`.
    """

    object: str
    offset: tuple[float, float, float] = (0.0, 0.0, 0.0)
    turn: float = 0.0
    at: float = AT

    def __call__(self, env: KitchenEnv) -> np.ndarray:
        sim = env.sim
        if sim.held_name() == self.object:
            return np.array([0, 0, LIFT_SPEED, 0, 0, 0, -1.0])
        grasp = grasp_point(sim, self.object) + np.asarray(self.offset)
        yaw = grasp_yaw(self.object)
        yaw_error = _yaw_error(env, None if yaw is None else yaw + self.turn)
        error = grasp - sim.robot.ee_pose()[0]
        if np.linalg.norm(error) < self.at and abs(yaw_error) < YAW_OK:
            return np.array([0, 0, 0.02, 0, 0, 0, -1.0])  # close (the gripper closes first), then start lifting
        return _funnel(env, grasp, yaw_error, 1.0)


@dataclass
class PlaceExpert:
    """Lower the held object onto the first free spot of the surface in front, open, rise.

    It lets go only when the gripper is over the spot (within `AT`) and no more than `RELEASE_HEIGHT` above it,
    or when the thing already rests on the surface and the hand sinks no further: a tall thing held off
    its axis, as a policy's own pick leaves it, topples when dropped from higher.
    """

    object: str
    spot: np.ndarray | None = None
    last_z: float = math.inf

    def __call__(self, env: KitchenEnv) -> np.ndarray:
        sim = env.sim
        if sim.held_name() != self.object:
            return np.array([0, 0, LIFT_SPEED, 0, 0, 0, 1.0])
        if self.spot is None:
            self.spot = open_spot(sim, self.object)
            if self.spot is None:
                return np.array([0, 0, 0, 0, 0, 0, -1.0])  # nowhere to put it: hold
        error = self.spot - sim.robot.ee_pose()[0]
        z = float(-error[2])  # metres over the spot
        stalled, self.last_z = self.last_z - z < STALLED, z
        if np.linalg.norm(error[:2]) < AT and (z < RELEASE_HEIGHT or (z < AT and stalled)):
            return np.array([0, 0, 0, 0, 0, 0, 1.0])
        action = _funnel(env, self.spot, 0.0, -1.0)
        action[2] = max(action[2], -max(RELEASE_HEIGHT, z / 2))  # slow down near the surface: set down, not dropped
        return action


EXPERTS = {"pick_up": PickExpert, "put_down": PlaceExpert}
