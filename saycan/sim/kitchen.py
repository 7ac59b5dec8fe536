"""The kitchen built in PyBullet from a `Scene`, and its state mapped back to the scene graph."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable

import numpy as np
import pybullet as p
import pybullet_data

from saycan.errors import ConfigError
from saycan.sim.layout import BASE_HEIGHT, Station, layout_stations, object_model
from saycan.sim.robot import PHYSICS_HZ, REACH, MobilePanda, render
from saycan.sim.spill import SPILL_GRID, SPILL_SIZE, Spill
from saycan.world.scene import Scene

TIME_STEP = 1.0 / PHYSICS_HZ
# A fallen object can be picked up from a dock when it lies this far out from the base's centre (the base
# is 0.5 m square, so the hand cannot come straight down any closer) and within the arm's reach.
FLOOR_CLEARANCE = 0.35
DOCK_TOLERANCE = 0.05  # metres: a base this close to a place's dock is at that place


DOOR_HEIGHT = 0.3  # metres: the panel of a shut place, above its surface
DOOR_COLOR = (0.55, 0.42, 0.3, 1.0)


class KitchenSim:
    """A PyBullet client holding the kitchen of ``scene`` and the robot.

    No global simulator state: every PyBullet call passes ``self.client``.

    Args:
        scene: Locations, objects, spills and the robot's start.
        gui: Open a window (needs a display) instead of running headless.
        seed: Seeds the grasp-noise generator.
        noise: Probability in [0, 1] that a grasp slips.
        shuffle_slots: Put each object in a random free slot of its surface (drawn from ``seed``), not
            the nearest free one, so demos show things anywhere a surface holds them.
        on_frame: Called every ``frame_every`` physics steps (video recording).
    """

    def __init__(
        self,
        scene: Scene,
        *,
        gui: bool = False,
        seed: int = 0,
        noise: float = 0.0,
        shuffle_slots: bool = False,
        frame_every: int = 0,
        on_frame: Callable[[], None] | None = None,
    ) -> None:
        if not 0.0 <= float(noise) <= 1.0:
            raise ConfigError(f"sim.noise must be a probability in [0, 1], got {noise!r}")
        self.scene = scene
        self.noise = float(noise)
        self.rng = np.random.default_rng(seed)
        self.steps = 0
        self.frame_every, self.on_frame = int(frame_every), None  # no frames while building
        self.frame_origin = 0  # frames fall every `frame_every` steps counted from here (the current skill's start)
        if gui:
            require_display()
        self.client = p.connect(p.GUI if gui else p.DIRECT)
        if gui:
            p.configureDebugVisualizer(p.COV_ENABLE_GUI, 0, physicsClientId=self.client)
        p.setGravity(0, 0, -9.81, physicsClientId=self.client)
        p.setPhysicsEngineParameter(fixedTimeStep=TIME_STEP, numSolverIterations=20, physicsClientId=self.client)
        p.loadURDF(pybullet_data.getDataPath() + "/plane.urdf", physicsClientId=self.client)
        self.stations: dict[str, Station] = layout_stations(scene.locations, scene.source)
        for station in self.stations.values():
            self._build_station(station)
        self.objects: dict[str, int] = {}
        self.grasp_offsets: dict[str, float] = {}
        used: dict[str, int] = {}
        free = {loc: station.slots() for loc, station in self.stations.items()}
        if shuffle_slots:  # a stream of its own: grasp noise is drawn as before
            slot_rng = np.random.default_rng([seed, 1])
            free = {loc: [slots[i] for i in slot_rng.permutation(len(slots))] for loc, slots in free.items()}
        for name, loc in scene.objects.items():
            if name == scene.holding:
                continue
            slots = free[loc]
            if used.get(loc, 0) >= len(slots):
                raise ConfigError(
                    f"{scene.source}: too many objects at {loc!r} for the simulated surface ({len(slots)} fit)"
                )
            along, across = slots[used.get(loc, 0)]
            used[loc] = used.get(loc, 0) + 1
            self.objects[name] = self._spawn(name, self.stations[loc], along, across)
        self.spills = {name: self._spill(self.stations[loc]) for name, loc in scene.spills.items()}
        # Places with a door: a panel stands at the front edge while it is shut (pick and place refuse it).
        self.closed: set[str] = set()
        self.doors: dict[str, int] = {}
        for place in scene.closed:
            self.set_door(place, closed=place not in scene.opened)
        self.robot = MobilePanda(self.client, self.step, self.stations[scene.robot_at].dock)
        if scene.holding is not None:
            self.objects[scene.holding] = self._spawn_in_hand(scene.holding)
            self.attach(scene.holding)
            self.robot.gripper(False, ticks=1)  # closed, as a pick leaves it: letting go is opening
        self.step(30)  # let everything settle
        self.on_frame = on_frame

    # -- building ----------------------------------------------------------------
    def _box(
        self,
        half: tuple[float, float, float],
        pos: tuple[float, ...],
        yaw: float,
        color: tuple[float, ...],
        collide: bool = True,
    ) -> int:
        c = self.client
        col = p.createCollisionShape(p.GEOM_BOX, halfExtents=half, physicsClientId=c) if collide else -1
        vis = p.createVisualShape(p.GEOM_BOX, halfExtents=half, rgbaColor=color, physicsClientId=c)
        return p.createMultiBody(0, col, vis, pos, p.getQuaternionFromEuler((0, 0, yaw)), physicsClientId=c)

    def _build_station(self, s: Station) -> None:
        x, y = s.center
        self._box((s.depth / 2, s.width / 2, s.height / 2), (x, y, s.height / 2), s.yaw, s.color)
        if s.kind == "sink":  # a dark basin inset, for the eye
            bx, by, bz = s.to_world(0.08, 0.0, 0.001)
            self._box((0.15, 0.22, 0.001), (bx, by, bz), s.yaw, (0.3, 0.32, 0.35, 1), collide=False)
        if s.kind == "user":  # the person, standing behind their tray
            px, py, _ = s.to_world(0.45, 0.0)
            c = self.client
            vis = p.createVisualShape(
                p.GEOM_CYLINDER, radius=0.2, length=1.6, rgbaColor=(0.35, 0.5, 0.85, 1), physicsClientId=c
            )
            p.createMultiBody(0, -1, vis, (px, py, 0.8), physicsClientId=c)
            head = p.createVisualShape(p.GEOM_SPHERE, radius=0.13, rgbaColor=(0.95, 0.8, 0.65, 1), physicsClientId=c)
            p.createMultiBody(0, -1, head, (px, py, 1.75), physicsClientId=c)

    def _spawn_at(self, name: str, pos: tuple[float, ...], yaw: float = 0.0) -> int:
        m, c = object_model(name), self.client
        if m.shape == "box":
            half = tuple(v / 2 for v in m.size)
            col = p.createCollisionShape(p.GEOM_BOX, halfExtents=half, physicsClientId=c)
            vis = p.createVisualShape(p.GEOM_BOX, halfExtents=half, rgbaColor=m.color, physicsClientId=c)
        elif m.shape == "cylinder":
            col = p.createCollisionShape(p.GEOM_CYLINDER, radius=m.size[0], height=m.size[1], physicsClientId=c)
            vis = p.createVisualShape(
                p.GEOM_CYLINDER, radius=m.size[0], length=m.size[1], rgbaColor=m.color, physicsClientId=c
            )
        else:
            col = p.createCollisionShape(p.GEOM_SPHERE, radius=m.size[0], physicsClientId=c)
            vis = p.createVisualShape(p.GEOM_SPHERE, radius=m.size[0], rgbaColor=m.color, physicsClientId=c)
        body = p.createMultiBody(m.mass, col, vis, pos, p.getQuaternionFromEuler((0, 0, yaw)), physicsClientId=c)
        # Rolling friction keeps fruit where it is put; sleeping makes resting objects free to simulate.
        p.changeDynamics(
            body,
            -1,
            lateralFriction=1.0,
            rollingFriction=0.01 if m.shape == "sphere" else 0.001,
            spinningFriction=0.001,
            activationState=p.ACTIVATION_STATE_ENABLE_SLEEPING,
            physicsClientId=c,
        )
        return body

    def _spawn(self, name: str, station: Station, along: float, across: float) -> int:
        height = object_model(name).height
        # box objects stand with their long side across the robot's view, so the gripper closes on the short side
        return self._spawn_at(name, station.to_world(along, across, height / 2 + 0.001), station.yaw + math.pi / 2)

    def _spawn_in_hand(self, name: str) -> int:
        """``name`` in the hand as a top-down pick leaves it: upright, its long side along the hand's yaw (the
        fingers across its narrow side, as `_spawn` stands it for them), the fingertips `grip_depth` below its
        top. Spawned any other way, a box at a sideways dock lies across the fingers, which are inside it when
        it is let go, and it stays wedged in the open hand."""
        pos, orn = self.robot.ee_pose()  # pointing down, as `MobilePanda.tuck` leaves it
        model = object_model(name)
        centre = (pos[0], pos[1], pos[2] + model.grip_depth - model.height / 2)
        return self._spawn_at(name, centre, p.getEulerFromQuaternion(orn)[2])

    def _spill(self, s: Station) -> Spill:
        along, across = -s.depth / 2 + 0.2, 0.0
        cx, cy, cz = s.to_world(along, across, 0.0005)
        body = self._box(
            (SPILL_SIZE / 2, SPILL_SIZE / 2, 0.0005), (cx, cy, cz), s.yaw, (0.45, 0.25, 0.08, 0.9), collide=False
        )
        ticks = np.linspace(-SPILL_SIZE / 2 + 0.02, SPILL_SIZE / 2 - 0.02, SPILL_GRID)
        points = np.array([s.to_world(along + a, across + b)[:2] for a in ticks for b in ticks])
        return Spill(body, s.name, points)

    # -- time --------------------------------------------------------------------
    def step(self, n: int = 1) -> None:
        for _ in range(n):
            p.stepSimulation(physicsClientId=self.client)
            self.steps += 1
            if self.on_frame and self.frame_every and (self.steps - self.frame_origin) % self.frame_every == 0:
                self.on_frame()

    def settle(self, body: int, max_steps: int = 240, speed: float = 0.01) -> None:
        """Step until ``body`` moves slower than ``speed`` m/s (at most ``max_steps``)."""
        for _ in range(0, max_steps, 10):
            self.step(10)
            if self.speed(body) < speed:
                return

    def speed(self, body: int) -> float:
        """Linear speed of ``body`` in m/s."""
        velocity = p.getBaseVelocity(body, physicsClientId=self.client)[0]
        return sum(v * v for v in velocity) ** 0.5

    # -- state -------------------------------------------------------------------
    def position(self, name: str) -> np.ndarray:
        return np.array(p.getBasePositionAndOrientation(self.objects[name], physicsClientId=self.client)[0])

    def held_name(self) -> str | None:
        return next((n for n, b in self.objects.items() if b == self.robot.held), None)

    def station_of(self, name: str) -> str | None:
        """The station whose surface ``name`` rests on (None when held or on the floor)."""
        if name == self.held_name():
            return None
        pos = self.position(name)
        for s in self.stations.values():
            if s.contains(pos[0], pos[1], margin=0.05) and pos[2] > s.height - 0.02:
                return s.name
        return None

    def reach_station(self, name: str) -> str | None:
        """The station the robot takes ``name`` from: the one it rests on, or for an object on the floor
        the nearest dock from which the arm reaches it; None when held or out of reach from every dock."""
        if name == self.held_name():
            return None
        on = self.station_of(name)
        if on is not None:
            return on
        pos, reachable = self.position(name), {}
        for s in self.stations.values():
            x, y, _ = s.dock
            flat = math.hypot(pos[0] - x, pos[1] - y)
            if flat >= FLOOR_CLEARANCE and math.hypot(flat, BASE_HEIGHT - pos[2]) <= REACH - 0.05:
                reachable[s.name] = flat
        return min(reachable, key=reachable.get, default=None)

    def robot_station(self) -> str | None:
        x, y, _ = self.robot.pose
        for s in self.stations.values():
            dx, dy, _ = s.dock
            if math.hypot(x - dx, y - dy) < DOCK_TOLERANCE:
                return s.name
        return None

    def attach(self, name: str) -> None:
        """Hold ``name`` in the gripper where it is (after a contact check), recording how deep it sits."""
        self.robot.attach(self.objects[name])
        bottom = self.position(name)[2] - object_model(name).height / 2
        self.grasp_offsets[name] = float(self.robot.ee_pose()[0][2] - bottom)

    def set_door(self, place: str, closed: bool) -> None:
        """Shut ``place``'s door (a panel appears at its front edge) or open it (the panel goes)."""
        if closed and place not in self.closed:
            s = self.stations[place]
            at = s.to_world(-s.depth / 2 + 0.01, 0.0, DOOR_HEIGHT / 2)
            self.doors[place] = self._box((0.01, s.width / 2, DOOR_HEIGHT / 2), at, s.yaw, DOOR_COLOR, collide=False)
            self.closed.add(place)
        elif not closed and place in self.closed:
            p.removeBody(self.doors.pop(place), physicsClientId=self.client)
            self.closed.discard(place)

    def handle(self, place: str) -> np.ndarray:
        """Where the gripper takes hold of ``place``'s door: at its front edge, a little above the surface."""
        s = self.stations[place]
        return np.array(s.to_world(-s.depth / 2 - 0.02, s.width / 4, DOOR_HEIGHT * 0.6))

    def wipe_at(self, xy: np.ndarray, height_ok: bool) -> None:
        """Mark spill points under the sponge as wiped (`Spill.wipe_near`), when the sponge is low enough."""
        if height_ok:
            for spill in self.spills.values():
                spill.wipe_near(xy, self.client)

    def overview(self, width: int = 480, height: int = 360) -> np.ndarray:
        """RGB (height, width, 3) from a fixed camera that sees the whole kitchen."""
        return render(self.client, (0.0, -4.3, 5.6), (0.0, 0.1, 0.3), width, height, fov=50)

    def close(self) -> None:
        if p.isConnected(self.client):
            p.disconnect(self.client)


def require_display() -> None:
    """Refuse ``gui=true`` on a Linux machine without a display, where PyBullet's window hangs the run."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise ConfigError(
            "gui=true needs a display and this machine has none (DISPLAY is not set): drop gui=true to run "
            "headless, and watch the run later with `python -m saycan.replay trace=PATH` (a video)"
        )
