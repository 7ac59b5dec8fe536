"""`KitchenEnv`: the PyBullet kitchen as a gymnasium Env (end-effector deltas) and as the planner's env."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
import pybullet as p

from saycan.envs.base import ForcedFailures
from saycan.errors import ConfigError, choices_hint, require_bool
from saycan.sim import primitives
from saycan.sim.kitchen import TIME_STEP, KitchenSim
from saycan.sim.robot import CONTROL_STEPS, PHYSICS_HZ
from saycan.skill import ExecResult, Option, Skill
from saycan.world.scene import Scene
from saycan.world.state import SymbolicWorld

IMAGE_SIZE = 224
# [dx, dy, dz] metres, [droll, dpitch, dyaw] radians per control step, gripper (+1 open, -1 closed)
ACTION_LOW = np.array([-0.05, -0.05, -0.05, -0.25, -0.25, -0.25, -1.0], dtype=np.float32)
ACTION_HIGH = -ACTION_LOW
GRIPPER_TICKS = 10  # control ticks a gripper open/close takes, arm still

# Skill id -> motion primitive. Skills registered without a sim routine fail with a clear message.
ROUTINES: dict[str, Callable[..., ExecResult]] = {
    "find": lambda sim, object, fail: primitives.find(sim, object),
    "go_to": lambda sim, location, fail: primitives.navigate(sim, location),
    "pick_up": lambda sim, object, fail: primitives.pick(sim, object, slip=fail),
    "put_down": lambda sim, object, fail: primitives.place(sim, object),
    "bring": lambda sim, fail: primitives.bring(sim),
    "wipe": lambda sim, spill, fail: primitives.wipe(sim, spill),
    "open": lambda sim, location, fail: primitives.door(sim, location, close=False),
    "close": lambda sim, location, fail: primitives.door(sim, location, close=True),
    "done": lambda sim, fail: ExecResult(True),
}


class KitchenEnv(gym.Env):
    """The kitchen in PyBullet.

    As a gymnasium Env, ``step(action)`` moves the gripper by an end-effector delta
    ``[dx, dy, dz, droll, dpitch, dyaw, gripper]`` in the base frame through IK for one
    control period and observes 224x224 head and wrist camera images. As the planner's env, ``execute`` runs
    a skill's motion primitive, and ``world`` is the scene graph read back from the sim.

    Args:
        scene: The scene the kitchen is built from.
        gui: Open a PyBullet window.
        seed: Seeds grasp noise (and `reset`).
        noise: Probability that a grasp slips (``sim.noise``).
        shuffle_slots: Objects in random free slots of their surfaces, drawn from ``seed`` (`KitchenSim`;
            ``sim.shuffle_slots``): varied demos, and policies rated in layouts other than the scene file's.
        force_failures: Skill text -> how many of its next attempts fail (a slip for grasps),
            for tests and demos of replanning.
        control_hz: Control rate of `step`.
        frame_every: Call ``on_frame`` every this many physics steps (video).
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["rgb_array"], "render_fps": 10}

    def __init__(
        self,
        scene: Scene,
        gui: bool = False,
        seed: int = 0,
        noise: float = 0.0,
        shuffle_slots: bool = False,
        force_failures: Mapping[str, int] | None = None,
        control_hz: int = 10,
        frame_every: int = 0,
        on_frame: Callable[[], None] | None = None,
    ) -> None:
        self.scene, self.gui, self.seed, self.noise = scene, bool(gui), int(seed), float(noise)
        self.shuffle_slots = require_bool("sim.shuffle_slots", shuffle_slots)
        self.force_failures = ForcedFailures(force_failures)
        self.control_hz, self.frame_every, self.on_frame = int(control_hz), int(frame_every), on_frame
        self.render_mode = "rgb_array"
        image = gym.spaces.Box(0, 255, (IMAGE_SIZE, IMAGE_SIZE, 3), np.uint8)
        self.observation_space = gym.spaces.Dict(
            {"head": image, "wrist": image, "ee": gym.spaces.Box(-np.inf, np.inf, (7,), np.float32)}
        )
        self.action_space = gym.spaces.Box(ACTION_LOW, ACTION_HIGH, dtype=np.float32)
        self.sim: KitchenSim | None = None
        self.world = SymbolicWorld(scene)
        self._build(self.seed)

    def _build(self, seed: int) -> None:
        if self.sim is not None:
            self.sim.close()
        self.sim = KitchenSim(
            self.scene,
            gui=self.gui,
            seed=seed,
            noise=self.noise,
            shuffle_slots=self.shuffle_slots,
            frame_every=self.frame_every,
            on_frame=self.on_frame,
        )
        self.world = SymbolicWorld(self.scene)
        self.sync()

    # -- the planner's env -----------------------------------------------------------
    def execute(self, skill: Skill, option: Option) -> ExecResult:
        assert self.sim is not None
        fail = self.force_failures.take(option.text)
        start = self.sim.steps
        routine = ROUTINES.get(skill.id)
        result = routine(self.sim, fail=fail, **option.kwargs) if routine else skill.simulate(self, **option.kwargs)
        if result is None:
            result = ExecResult(False, f"skill {skill.id!r} has no simulator routine: give it a `simulate` method")
        if fail and result.success:  # a forced failure of a skill with no failure path of its own
            result = ExecResult(False, "forced failure (sim.force_failures)")
        self.sync()
        return replace(result, success=bool(result.success), info={**result.info, **self.sim_time(start)})

    def routine(self, skill: str, **args: str) -> ExecResult:
        """Run the kitchen's motion primitive of a skill id (`ROUTINES`), e.g. for a custom skill's ``simulate``:
        ``env.routine("put_down", object="soup")``."""
        assert self.sim is not None
        if skill not in ROUTINES:
            raise ConfigError(f"the kitchen has no routine {skill!r}; {choices_hint(skill, ROUTINES)}")
        return ROUTINES[skill](self.sim, fail=False, **args)

    def wait(self, seconds: float) -> None:
        """Let simulated time pass with the robot still (e.g. a microwave running)."""
        assert self.sim is not None
        self.sim.step(max(0, round(seconds / TIME_STEP)))

    def sim_time(self, since: int) -> dict[str, float]:
        """Physics steps and simulated seconds since the step count ``since`` (a skill's trace info)."""
        assert self.sim is not None
        steps = self.sim.steps - since
        return {"sim_steps": float(steps), "sim_s": steps * TIME_STEP}

    def sync(self) -> None:
        """Read the sim back into the scene graph, so goal predicates check the physical state."""
        assert self.sim is not None
        sim = self.sim
        held = sim.held_name()
        # Where each object rests; a held one, or one on the floor, keeps its last place in the scene (a scene
        # has no floor) and the world below is told what the sim sees.
        places = {name: sim.station_of(name) if name != held else None for name in self.world.scene.objects}
        objects = {name: places[name] or last for name, last in self.world.scene.objects.items()}
        robot_at = sim.robot_station() or self.world.robot_at
        opened = tuple(place for place in self.world.scene.closed if place not in sim.closed)
        scene = replace(self.world.scene, objects=objects, robot_at=robot_at, holding=held, opened=opened)
        world = SymbolicWorld(scene)
        world.set_flags(self.world.flags())  # flags custom skills set (e.g. "heated")
        for name, place in places.items():
            if place is None and name != held:  # fallen: on the floor, where the planner can see it
                world.drop(name, sim.reach_station(name))
        for spill, state in sim.spills.items():
            if state.body is None:
                world.clean(spill)
        self.world = world

    # -- gymnasium -------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        self._build(self.seed if seed is None else seed)
        return self._observe(), {}

    def head_image(self) -> np.ndarray:
        """(224, 224, 3) uint8: what the head camera sees now (a policy's input)."""
        assert self.sim is not None
        return self.sim.robot.head_camera(IMAGE_SIZE)

    def _observe(self) -> dict[str, np.ndarray]:
        assert self.sim is not None
        pos, orn = self.sim.robot.ee_pose()
        return {
            "head": self.head_image(),
            "wrist": self.sim.robot.wrist_camera(IMAGE_SIZE),
            "ee": np.array([*pos, *orn], dtype=np.float32),
        }

    def step(self, action: np.ndarray):
        """Move the gripper by ``action`` for one control period and observe; see `act`."""
        info = self.act(action)
        return self._observe(), 0.0, False, False, info

    def act(self, action: np.ndarray) -> dict[str, Any]:
        """Apply one end-effector delta ``[dx, dy, dz, droll, dpitch, dyaw, gripper]`` for one control period.

        Deltas are in the robot base's frame (x ahead, y left, z up), as on real mobile manipulators,
        so a policy looking through the head camera sees the same motion at every station. A
        non-finite action is refused: the arm holds still and ``info["error"]`` says why. Finite
        actions are clipped to the action space (workspace and speed limits).

        Gripper (> 0 open): a change of command runs first, with the arm still, the way a real
        gripper blocks. Closing attaches an object only if a finger touches it (a grasp can
        still slip with probability ``noise``); opening releases what the hand holds.

        Returns:
            info: ``{"error": str}`` when the action was refused, else empty.
        """
        assert self.sim is not None
        action = np.asarray(action, dtype=np.float64).reshape(-1)
        if action.shape != (7,):
            raise ConfigError(
                f"action must have 7 numbers [dx, dy, dz, droll, dpitch, dyaw, gripper], got {action.shape}"
            )
        robot = self.sim.robot
        ticks = max(1, PHYSICS_HZ // CONTROL_STEPS // self.control_hz)
        if not np.all(np.isfinite(action)):
            robot.tick(ticks)
            return {"error": f"non-finite action {action.tolist()}; the arm holds still"}
        action = np.clip(action, ACTION_LOW, ACTION_HIGH)
        self._command_gripper(bool(action[6] > 0))
        pos = robot.ee_pose()[0]
        target = pos + robot.to_world(action[:3])
        # Rotate in the base frame: orn' = base * R(rpy_b + delta), rpy_b the gripper's rpy relative to the base.
        rpy = robot.ee_rpy_in_base() + action[3:6]
        target_orn = p.multiplyTransforms((0, 0, 0), robot.base_rotation(), (0, 0, 0), p.getQuaternionFromEuler(rpy))[1]
        ramp = max(1, ticks // 2)  # move over the first half of the period, then hold the target
        for i in range(1, ticks + 1):
            robot.track(pos + min(i / ramp, 1.0) * (target - pos), target_orn)
        return {}

    def _command_gripper(self, open_: bool) -> None:
        sim = self.sim
        assert sim is not None
        if open_ == sim.robot.gripper_open:
            return
        if open_ and sim.robot.held is not None:
            sim.robot.detach()
        sim.robot.gripper(open_, ticks=GRIPPER_TICKS)
        if not open_ and sim.robot.held is None:
            touched = {name: sim.robot.finger_contacts(body) for name, body in sim.objects.items()}
            name = max(touched, key=touched.get, default=None)
            if name is not None and touched[name] > 0 and sim.rng.random() >= sim.noise:
                sim.attach(name)

    def render(self) -> np.ndarray:
        assert self.sim is not None
        return self.sim.overview()

    def close(self) -> None:
        if self.sim is not None:
            self.sim.close()
            self.sim = None
