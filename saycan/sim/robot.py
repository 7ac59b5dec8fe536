"""A Franka Panda (from pybullet_data) on a kinematic mobile base: driving, IK reaching, grasping, cameras."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pybullet as p
import pybullet_data

from saycan.sim.layout import BASE_HEIGHT

ARM = tuple(range(7))
FINGERS = (9, 10)
EE_LINK = 11  # panda_grasptarget: between the fingertips
TUCK = (0.0, -0.9, 0.0, -2.6, 0.0, 1.8, 0.785)  # IK rest pose: arm folded above the base
CARRY = (
    0.25,
    -0.25,
    1.1,
)  # gripper between skills: (ahead, left, height) metres; high, and out of the head camera's view
LOWER = (-2.9671, -1.8326, -2.9671, -3.1416, -2.9671, -0.0873, -2.9671)
UPPER = (2.9671, 1.8326, 2.9671, 0.0, 2.9671, 3.8223, 2.9671)
HEAD_LEFT, HEAD_HEIGHT, HEAD_AHEAD = 0.35, 1.5, 0.45  # head camera: metres left of the base, high; looks this far ahead
HEAD_FOV = 35.0  # degrees: frames the counter in reach, so 1 cm spans about 2 pixels at 96x96
REACH = 0.82  # metres from the arm's base the gripper can reach
CONTROL_STEPS = 2  # physics steps per control tick: 60 Hz control at 120 Hz physics
PHYSICS_HZ = 120  # grasps are constraints, so 120 Hz is stable and twice as fast as 240 Hz


def down(yaw: float) -> tuple[float, ...]:
    """Gripper pointing at the floor, fingers closing across ``yaw``."""
    return p.getQuaternionFromEuler((math.pi, 0.0, yaw))


class MobilePanda:
    """The robot. Every call goes to its own PyBullet client; ``step(n)`` advances the simulation.

    Args:
        client: PyBullet physics client id.
        step: Advances physics by n steps (the owner counts time and records frames).
        pose: Start (x, y, yaw) of the base.
    """

    def __init__(self, client: int, step: Callable[[int], None], pose: tuple[float, float, float]) -> None:
        self.client, self._step = client, step
        half = (0.25, 0.25, BASE_HEIGHT / 2)
        col = p.createCollisionShape(p.GEOM_BOX, halfExtents=half, physicsClientId=client)
        vis = p.createVisualShape(p.GEOM_BOX, halfExtents=half, rgbaColor=(0.2, 0.2, 0.22, 1), physicsClientId=client)
        self.base = p.createMultiBody(0, col, vis, (pose[0], pose[1], BASE_HEIGHT / 2), physicsClientId=client)
        self.arm = p.loadURDF(
            str(pybullet_data.getDataPath() + "/franka_panda/panda.urdf"),
            (pose[0], pose[1], BASE_HEIGHT),
            p.getQuaternionFromEuler((0, 0, pose[2])),
            useFixedBase=True,
            physicsClientId=client,
        )
        p.setCollisionFilterPair(self.base, self.arm, -1, 0, 0, physicsClientId=client)
        for finger in FINGERS:  # grippy fingertips
            p.changeDynamics(self.arm, finger, lateralFriction=1.5, physicsClientId=client)
        for finger in FINGERS:
            p.resetJointState(self.arm, finger, 0.04, physicsClientId=client)
        self.pose = pose
        self._targets = list(TUCK)
        for _ in range(3):  # start in the carry pose (IK refined from the rest pose)
            for j, q in zip(ARM, self._targets, strict=True):
                p.resetJointState(self.arm, j, q, physicsClientId=client)
            self._targets = self.ik(self.carry_point(), down(pose[2]))
        self._finger_target = 0.04
        self._apply()
        self.held: int | None = None
        self._grasp: int | None = None

    # -- low level ---------------------------------------------------------------
    def _apply(self) -> None:
        # Stiff position control (gain 0.3), so the gripper lands on a delta within one control period.
        p.setJointMotorControlArray(
            self.arm,
            ARM,
            p.POSITION_CONTROL,
            targetPositions=self._targets,
            forces=[200.0] * 7,
            positionGains=[0.3] * 7,
            physicsClientId=self.client,
        )
        p.setJointMotorControlArray(
            self.arm,
            FINGERS,
            p.POSITION_CONTROL,
            targetPositions=[self._finger_target] * 2,
            forces=[40.0, 40.0],
            physicsClientId=self.client,
        )

    def tick(self, n: int = 1) -> None:
        """Run ``n`` control ticks with the current targets."""
        self._apply()
        self._step(n * CONTROL_STEPS)

    def ee_pose(self) -> tuple[np.ndarray, tuple[float, ...]]:
        state = p.getLinkState(self.arm, EE_LINK, computeForwardKinematics=True, physicsClientId=self.client)
        return np.array(state[4]), state[5]

    def base_rotation(self) -> tuple[float, ...]:
        """Quaternion of the base's heading (the frame end-effector delta actions are given in)."""
        return p.getQuaternionFromEuler((0.0, 0.0, self.pose[2]))

    def to_world(self, vector: np.ndarray) -> np.ndarray:
        """A vector in the base frame (x ahead, y left, z up) -> the world frame."""
        return np.array(p.multiplyTransforms((0, 0, 0), self.base_rotation(), list(vector), (0, 0, 0, 1))[0])

    def to_base(self, vector: np.ndarray) -> np.ndarray:
        """A vector in the world frame -> the base frame."""
        _, inverse = p.invertTransform((0, 0, 0), self.base_rotation())
        return np.array(p.multiplyTransforms((0, 0, 0), inverse, list(vector), (0, 0, 0, 1))[0])

    def ee_rpy_in_base(self) -> np.ndarray:
        """(3,) roll, pitch, yaw of the gripper relative to the base."""
        _, inverse = p.invertTransform((0, 0, 0), self.base_rotation())
        return np.array(
            p.getEulerFromQuaternion(p.multiplyTransforms((0, 0, 0), inverse, (0, 0, 0), self.ee_pose()[1])[1])
        )

    def arm_base(self) -> np.ndarray:
        return np.array(p.getBasePositionAndOrientation(self.arm, physicsClientId=self.client)[0])

    def ik(self, pos: np.ndarray, orn: tuple[float, ...]) -> list[float]:
        q = p.calculateInverseKinematics(
            self.arm,
            EE_LINK,
            list(pos),
            list(orn),
            lowerLimits=list(LOWER),
            upperLimits=list(UPPER),
            jointRanges=[u - lo for lo, u in zip(LOWER, UPPER, strict=True)],
            restPoses=list(TUCK),
            maxNumIterations=60,
            residualThreshold=1e-4,
            physicsClientId=self.client,
        )
        return list(q[:7])

    # -- motions -----------------------------------------------------------------
    def set_pose(self, x: float, y: float, yaw: float) -> None:
        orn = p.getQuaternionFromEuler((0, 0, yaw))
        p.resetBasePositionAndOrientation(self.base, (x, y, BASE_HEIGHT / 2), orn, physicsClientId=self.client)
        p.resetBasePositionAndOrientation(self.arm, (x, y, BASE_HEIGHT), orn, physicsClientId=self.client)
        self.pose = (x, y, yaw)

    def drive(
        self, x: float, y: float, yaw: float, speed: float = 1.5, turn: float = 3.0, backoff: float = 0.35
    ) -> None:
        """Drive the base to (x, y, yaw); the arm stays tucked.

        The base backs straight out of its dock, turns and drives in open floor, and enters the
        target dock straight, so neither the arm nor a held object sweeps across a surface.
        """
        x0, y0, yaw0 = self.pose
        out = (x0 - backoff * math.cos(yaw0), y0 - backoff * math.sin(yaw0), yaw0)
        approach = (x - backoff * math.cos(yaw), y - backoff * math.sin(yaw), yaw)
        for target in (out, approach, (x, y, yaw)):
            self._segment(*target, speed=speed, turn=turn)

    def _segment(self, x: float, y: float, yaw: float, speed: float, turn: float) -> None:
        x0, y0, yaw0 = self.pose
        dyaw = (yaw - yaw0 + math.pi) % (2 * math.pi) - math.pi
        seconds = max(math.hypot(x - x0, y - y0) / speed, abs(dyaw) / turn)
        ticks = max(1, math.ceil(seconds * PHYSICS_HZ / CONTROL_STEPS))
        for i in range(1, ticks + 1):
            a = i / ticks
            self.set_pose(x0 + a * (x - x0), y0 + a * (y - y0), yaw0 + a * dyaw)
            self.tick()

    def move_ee(self, target: np.ndarray, orn: tuple[float, ...], speed: float = 0.6, settle: int = 6) -> float:
        """Move the gripper in a straight line to ``target``; returns the final position error in metres."""
        start, _ = self.ee_pose()
        ticks = max(2, math.ceil(float(np.linalg.norm(target - start)) / speed * PHYSICS_HZ / CONTROL_STEPS))
        for i in range(1, ticks + settle + 1):
            self.track(start + min(i / ticks, 1.0) * (target - start), orn)
        return float(np.linalg.norm(self.ee_pose()[0] - target))

    def track(self, pos: np.ndarray, orn: tuple[float, ...]) -> None:
        """One control tick towards the gripper pose (pos, orn), through IK."""
        self._targets = self.ik(pos, orn)
        self.tick()

    def carry_point(self) -> np.ndarray:
        x, y, yaw = self.pose
        ahead, left, height = CARRY
        c, s = math.cos(yaw), math.sin(yaw)
        return np.array([x + ahead * c - left * s, y + ahead * s + left * c, height])

    def tuck(self) -> None:
        """Raise the gripper in a straight line to the carry pose, keeping its yaw and pointing down.

        A straight line between two high points never dips, so a held object clears the surface.
        """
        _, orn = self.ee_pose()
        self.move_ee(self.carry_point(), down(p.getEulerFromQuaternion(orn)[2]))

    def gripper(self, open_: bool, ticks: int = 15) -> None:
        self._finger_target = 0.04 if open_ else 0.0
        self.tick(ticks)

    @property
    def gripper_open(self) -> bool:
        """The fingers are commanded open."""
        return self._finger_target > 0

    def finger_contacts(self, body: int) -> int:
        """How many fingers touch ``body`` (0, 1 or 2)."""
        return sum(bool(p.getContactPoints(self.arm, body, linkIndexA=f, physicsClientId=self.client)) for f in FINGERS)

    def attach(self, body: int) -> None:
        """Hold ``body`` rigidly where it is relative to the gripper (called after a contact check)."""
        ee_pos, ee_orn = self.ee_pose()
        obj_pos, obj_orn = p.getBasePositionAndOrientation(body, physicsClientId=self.client)
        inv_pos, inv_orn = p.invertTransform(ee_pos, ee_orn)
        rel_pos, rel_orn = p.multiplyTransforms(inv_pos, inv_orn, obj_pos, obj_orn)
        self._grasp = p.createConstraint(
            self.arm,
            EE_LINK,
            body,
            -1,
            p.JOINT_FIXED,
            (0, 0, 0),
            rel_pos,
            (0, 0, 0),
            rel_orn,
            physicsClientId=self.client,
        )
        p.changeConstraint(self._grasp, maxForce=200, physicsClientId=self.client)
        for link in (*FINGERS, 8):  # the constraint holds it; finger contacts would only fight the solver
            p.setCollisionFilterPair(self.arm, body, link, -1, 0, physicsClientId=self.client)
        self.held = body

    def detach(self) -> None:
        if self._grasp is not None:
            p.removeConstraint(self._grasp, physicsClientId=self.client)
        if self.held is not None:
            for link in (*FINGERS, 8):
                p.setCollisionFilterPair(self.arm, self.held, link, -1, 1, physicsClientId=self.client)
        self._grasp, self.held = None, None

    # -- cameras -----------------------------------------------------------------
    def head_camera(self, size: int = 224) -> np.ndarray:
        """RGB (size, size, 3) uint8 from a mast camera over the robot's left shoulder, looking at the workspace.

        Offset to the side so the arm, which reaches in from behind, does not hide what it grasps.
        """
        x, y, yaw = self.pose
        c, s = math.cos(yaw), math.sin(yaw)
        eye = (x - HEAD_LEFT * s, y + HEAD_LEFT * c, HEAD_HEIGHT)
        target = (x + HEAD_AHEAD * c, y + HEAD_AHEAD * s, 0.72)
        return render(self.client, eye, target, size, size, fov=HEAD_FOV)

    def wrist_camera(self, size: int = 224) -> np.ndarray:
        """RGB (size, size, 3) uint8 from the hand, looking along the gripper."""
        pos, orn = self.ee_pose()
        rot = np.array(p.getMatrixFromQuaternion(orn)).reshape(3, 3)
        eye = pos - 0.1 * rot[:, 2] + 0.05 * rot[:, 0]
        return render(self.client, tuple(eye), tuple(pos + 0.3 * rot[:, 2]), size, size, fov=80, up=tuple(rot[:, 0]))


def render(
    client: int,
    eye: tuple[float, ...],
    target: tuple[float, ...],
    width: int,
    height: int,
    fov: float = 60.0,
    up: tuple[float, ...] = (0, 0, 1),
) -> np.ndarray:
    """An RGB (height, width, 3) uint8 image with the CPU renderer (works headless)."""
    view = p.computeViewMatrix(eye, target, up, physicsClientId=client)
    proj = p.computeProjectionMatrixFOV(fov, width / height, 0.02, 12.0, physicsClientId=client)
    _, _, rgba, _, _ = p.getCameraImage(width, height, view, proj, renderer=p.ER_TINY_RENDERER, physicsClientId=client)
    return np.asarray(rgba, dtype=np.uint8).reshape(height, width, 4)[:, :, :3].copy()
