"""`PolicyExecutor`: runs the planner's arm skills closed-loop with a VLA policy on the PyBullet kitchen."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from saycan.envs.pybullet import KitchenEnv
from saycan.errors import ConfigError
from saycan.policies.base import Policy, PolicyError, PolicyUnreachable
from saycan.sim import detectors
from saycan.sim.kitchen import DOCK_TOLERANCE, KitchenSim
from saycan.sim.primitives import ABOVE
from saycan.skill import ExecResult, Option, Skill
from saycan.vla.image import CROP_SCALE, center_crop
from saycan.world.state import SymbolicWorld

ARM_SKILLS = ("pick_up", "put_down", "wipe")  # skills with a success detector a policy can be run against


def to_sim_action(raw: np.ndarray, gripper_range: Sequence[float], invert_gripper: bool) -> np.ndarray:
    """A policy's action in the sim's convention, or `PolicyError` if it is unusable.

    Rejects a wrong shape and NaN/inf first (``np.clip`` would let NaN through). The gripper
    value is mapped from the checkpoint's ``gripper_range`` (OpenVLA: [0, 1], 1 open) to
    {-1 closed, +1 open}, flipped first for datasets where the high value means closed.

    Returns: (7,) float64; the sim clips it to its workspace and speed limits.
    """
    action = np.array(raw, dtype=np.float64).reshape(-1)  # a copy: decoded replies can be read-only
    if action.shape != (7,):
        raise PolicyError(f"the policy returned {action.size} numbers; expected 7 [dx, dy, dz, droll, dpitch, dyaw, g]")
    if not np.all(np.isfinite(action)):
        raise PolicyError(f"the policy returned a non-finite action {action.tolist()}")
    low, high = float(gripper_range[0]), float(gripper_range[1])
    g = 2 * (action[6] - low) / (high - low) - 1  # -> [-1, 1], +1 open
    action[6] = 1.0 if (-g if invert_gripper else g) > 0 else -1.0
    return action


def to_sim_chunk(raw: np.ndarray, gripper_range: Sequence[float], invert_gripper: bool) -> np.ndarray:
    """A policy's (7,) action or (horizon, 7) chunk as (horizon, 7) sim actions, every one checked first
    (`to_sim_action`), so a chunk with one bad row is refused whole and the arm holds still."""
    array = np.asarray(raw, dtype=np.float64)
    if array.ndim == 2 and array.shape[0] == 0:
        raise PolicyError("the policy returned an empty action chunk")
    rows = array if array.ndim == 2 else array.reshape(1, -1)
    return np.stack([to_sim_action(row, gripper_range, invert_gripper) for row in rows])


class PolicyExecutor:
    """The planner's env, with ``skills`` run by ``policy`` instead of scripted motions.

    Each query takes the head-camera image (224x224, centre-cropped if the checkpoint was trained
    with crop augmentation) and asks the policy for an action, or for a chunk of them (policies that
    return (horizon, 7), such as openpi servers: ``chunk_steps`` of the chunk run before the next
    query, OpenVLA-OFT style). Each action is applied through IK (`KitchenEnv.act`) for one control
    step, until the skill's success detector fires or ``max_steps`` control steps pass.
    Navigation skills (7-DoF arm actions cannot drive the base) and skills not in ``skills``
    keep the sim's scripted routines.

    Args:
        env: The PyBullet kitchen.
        policy: Anything with OpenVLA's ``predict_action``.
        skills: Skill ids the policy runs (each needs a detector: pick_up, put_down, wipe).
        unnorm_key: Action statistics to un-normalise with (None: the policy's only one).
        max_steps: Control steps before the skill counts as failed.
        center_crop: Centre-crop 90% of the image area, as for checkpoints trained with crops.
        gripper_range: The policy's (closed-or-open low, high) gripper values.
        invert_gripper: The policy's high gripper value means closed.
        chunk_steps: Actions of a chunk to execute before querying again (None: the whole chunk).
        retry_shift: Metres the base moves along the surface, to one side and then the other, before
            another try of the skill that just failed here (0: retry from the dock). A retry from the
            same view repeats the miss: a closed-loop policy that sees the same image does the same
            thing. In [0, `DOCK_TOLERANCE`), so the robot still counts as at its place.
        retry_face: A retry of a pick-up first re-docks facing the thing (across from it along the surface),
            then ``retry_shift`` to either side of that; the base drives back to the dock after a try from
            beyond `DOCK_TOLERANCE`, so the planner's state still has the robot at its place.
    """

    def __init__(
        self,
        env: KitchenEnv,
        policy: Policy,
        skills: Sequence[str] = ("pick_up", "put_down"),
        unnorm_key: str | None = None,
        max_steps: int = 60,
        center_crop: bool = True,
        gripper_range: Sequence[float] = (-1.0, 1.0),
        invert_gripper: bool = False,
        chunk_steps: int | None = None,
        retry_shift: float = 0.0,
        retry_face: bool = False,
    ) -> None:
        self.require_sim(env)
        unknown = [s for s in skills if s not in ARM_SKILLS]
        if unknown:
            raise ConfigError(f"executor.skills: {unknown} have no success detector; choose from {list(ARM_SKILLS)}")
        if int(max_steps) < 1:
            raise ConfigError(f"executor.max_steps must be at least 1, got {max_steps!r}")
        if len(gripper_range) != 2 or float(gripper_range[0]) == float(gripper_range[1]):
            raise ConfigError(f"executor.gripper_range must be two different numbers [low, high]; got {gripper_range}")
        self.env, self.policy, self.skills = env, policy, tuple(skills)
        self.unnorm_key, self.max_steps, self.center_crop = unnorm_key, int(max_steps), bool(center_crop)
        if chunk_steps is not None and int(chunk_steps) < 1:
            raise ConfigError(f"executor.chunk_steps must be at least 1 (null: the whole chunk), got {chunk_steps!r}")
        self.gripper_range, self.invert_gripper = tuple(gripper_range), bool(invert_gripper)
        self.chunk_steps = int(chunk_steps) if chunk_steps is not None else None
        if isinstance(retry_shift, bool) or not isinstance(retry_shift, int | float):
            raise ConfigError(f"executor.retry_shift must be a number of metres, got {retry_shift!r}")
        if not 0 <= retry_shift < DOCK_TOLERANCE:
            raise ConfigError(
                f"executor.retry_shift={retry_shift!r}: must be at least 0 and under {DOCK_TOLERANCE} m, "
                "where the base still counts as docked (0.04 steps aside; 0 retries from the dock)"
            )
        if not isinstance(retry_face, bool):
            raise ConfigError(f"executor.retry_face must be true or false, got {retry_face!r}")
        self.retry_shift, self.retry_face = float(retry_shift), retry_face
        self._failed: tuple[str, str | None] | None = None  # (skill text, place) of the last failed try
        self._retries = 0

    @staticmethod
    def require_sim(env: object) -> None:
        """Policies act on camera images: only the PyBullet kitchen has them."""
        if not isinstance(env, KitchenEnv):
            raise ConfigError(f"a policy executor needs env=pybullet (camera images), got {type(env).__name__}")

    @property
    def world(self) -> SymbolicWorld:
        return self.env.world

    @property
    def sim(self) -> KitchenSim | None:
        """The kitchen's simulator: learned value functions read the physical state from it."""
        return self.env.sim

    def execute(self, skill: Skill, option: Option) -> ExecResult:
        if skill.id not in self.skills:
            return self.env.execute(skill, option)
        sim = self.env.sim
        assert sim is not None
        if self.env.force_failures.take(option.text):
            return ExecResult(False, "forced failure (sim.force_failures)")
        here, start_steps = sim.robot_station(), sim.steps  # the skill's sim time counts its re-docks too
        shift = self._step_aside(option, here)
        start = time.perf_counter()
        success, message, steps, queries = False, f"no success within executor.max_steps={self.max_steps}", 0, 0
        while steps < self.max_steps and not success:
            image = self.env.head_image()
            if self.center_crop:
                image = center_crop(image, CROP_SCALE)
            queries += 1
            try:
                raw = self.policy.predict_action(image, option.text, self.unnorm_key)
                chunk = to_sim_chunk(raw, self.gripper_range, self.invert_gripper)
            except PolicyUnreachable:  # no skill can run: the planner stops the plan
                raise
            except PolicyError as exc:  # the arm holds still where it is; the planner decides what next
                message = str(exc)
                break
            for action in chunk[: self.chunk_steps][: self.max_steps - steps]:
                steps += 1
                self.env.act(action)
                if detectors.skill_succeeded(sim, skill.id, here, **option.kwargs):
                    success, message = True, ""
                    self._clear_and_tuck()
                    break
        if success and skill.id == "put_down":  # released at rest; it must still be there once it settles
            obj = option.kwargs["object"]
            sim.settle(sim.objects[obj])
            if not detectors.resting_on(sim, obj, here):
                success, message = False, f"the {obj} did not stay on the {here}"
        seconds = time.perf_counter() - start
        if abs(shift) >= DOCK_TOLERANCE:  # tried from beside the thing: back to where the plan has the robot
            self._clear_and_tuck()
            sim.robot.drive(*sim.stations[here].dock)
        self._failed = None if success else (option.text, here)
        self.env.sync()
        info = {
            "base_shift": shift,  # metres along the surface from the dock, for a retry
            "policy_steps": float(steps),  # actions executed
            "policy_queries": float(queries),  # actions or chunks asked for, a refused one too
            "control_hz": steps / seconds if seconds > 0 else 0.0,
            **self.env.sim_time(start_steps),
        }
        return ExecResult(success, message, info)

    def _step_aside(self, option: Option, here: str | None) -> float:
        """Before another try of the skill that failed last, here, re-dock so the policy sees the place from
        a new view: facing the thing to pick up (``retry_face``), then ``retry_shift`` to one side of that
        and then the other, in turn. Returns the base's offset along the surface from the dock, metres."""
        if self._failed != (option.text, here) or here is None:
            self._retries = 0
            return 0.0
        self._retries += 1
        face = self._across_to(option, here) if self.retry_face else 0.0
        # Facing the thing is a new view only when it stands away from the dock's line of sight.
        offsets = ([face] if abs(face) > self.retry_shift else []) + (
            [face + self.retry_shift, face - self.retry_shift] if self.retry_shift else []
        )
        if not offsets:
            return 0.0
        shift = offsets[(self._retries - 1) % len(offsets)]
        self._clear_and_tuck()
        self.env.sim.robot.drive(*self.env.sim.stations[here].dock_aside(shift))
        return shift

    def _across_to(self, option: Option, here: str) -> float:
        """How far along ``here``'s surface (clamped to it) a pick-up's thing stands from the dock's line of
        sight, metres; 0 for other skills and for a thing not on that surface (on the floor)."""
        sim, obj = self.env.sim, option.kwargs.get("object")
        if option.skill != "pick_up" or obj is None or sim.station_of(obj) != here:
            return 0.0
        station = sim.stations[here]
        _, across = station.to_surface(*sim.position(obj)[:2])
        return float(np.clip(across, -station.width / 2, station.width / 2))

    def _clear_and_tuck(self) -> None:
        """Tuck the arm; with the fingers open, lift them straight up first, as the scripted place does.

        A put-down stops at the detector's first success with the open fingers still around the released
        thing: the tuck's diagonal from there would drag it off the surface's front edge.
        """
        robot = self.env.sim.robot
        if robot.gripper_open:
            position, orientation = robot.ee_pose()
            robot.move_ee(position + ABOVE, orientation)
        robot.tuck()

    def close(self) -> None:
        self.env.close()
