"""Where the kitchen's furniture stands and what its objects look like, in metres and kilograms."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from saycan.errors import ConfigError
from saycan.world.scene import USER

BASE_HEIGHT = 0.45  # the Panda is mounted on a mobile base this tall
DOCK_GAP = 0.30  # robot base centre to the near edge of a surface, when docked


@dataclass(frozen=True)
class Station:
    """A place the robot docks at, with a surface objects rest on.

    Attributes:
        name: Scene location name.
        center: (x, y) of the surface centre.
        yaw: Direction the docked robot faces (towards the surface), radians.
        depth, width: Surface size along and across ``yaw``.
        height: Surface height above the floor.
        color: RGBA of the furniture.
        kind: ``"counter"``, ``"table"``, ``"sink"``, ``"bin"`` or ``"user"``.
    """

    name: str
    center: tuple[float, float]
    yaw: float
    depth: float
    width: float
    height: float
    color: tuple[float, float, float, float]
    kind: str = "counter"

    @property
    def forward(self) -> tuple[float, float]:
        return math.cos(self.yaw), math.sin(self.yaw)

    @property
    def dock(self) -> tuple[float, float, float]:
        """(x, y, yaw) of the robot base when docked here."""
        return self.dock_aside(0.0)

    def dock_aside(self, across: float) -> tuple[float, float, float]:
        """(x, y, yaw) of the base docked ``across`` metres to the side (as in `to_world`) of the dock."""
        x, y, _ = self.to_world(-(self.depth / 2 + DOCK_GAP), across)
        return x, y, self.yaw

    def to_world(self, along: float, across: float, up: float = 0.0) -> tuple[float, float, float]:
        """A point given in the surface frame (from its centre; ``along`` points away from the robot)."""
        fx, fy = self.forward
        return (self.center[0] + along * fx - across * fy, self.center[1] + along * fy + across * fx, self.height + up)

    def slots(self) -> list[tuple[float, float]]:
        """(along, across) resting spots within the arm's reach, nearest the robot first."""
        rows = [-self.depth / 2 + 0.12, -self.depth / 2 + 0.24]
        half = max(self.width / 2 - 0.08, 0.0)
        cols = [c for c in (0.0, -0.14, 0.14, -0.28, 0.28) if abs(c) <= half + 1e-9]
        return [(r, c) for r in rows for c in cols]

    def to_surface(self, x: float, y: float) -> tuple[float, float]:
        """(along, across) of a world point in the surface frame: the inverse of `to_world` on the floor plan."""
        fx, fy = self.forward
        dx, dy = x - self.center[0], y - self.center[1]
        return dx * fx + dy * fy, -dx * fy + dy * fx

    def contains(self, x: float, y: float, margin: float = 0.02) -> bool:
        along, across = self.to_surface(x, y)
        return abs(along) <= self.depth / 2 + margin and abs(across) <= self.width / 2 + margin


# A room of 7 x 7 m with the stations on a ring, so straight drives between docks cross open floor.
KITCHEN_STATIONS: dict[str, Station] = {
    s.name: s
    for s in (
        Station("far counter", (2.6, 1.4), 0.0, 0.6, 1.0, 0.75, (0.55, 0.45, 0.35, 1), "counter"),
        Station("near counter", (2.6, -1.4), 0.0, 0.6, 1.0, 0.75, (0.55, 0.45, 0.35, 1), "counter"),
        Station("table", (0.0, 2.6), math.pi / 2, 0.7, 1.0, 0.72, (0.75, 0.6, 0.4, 1), "table"),
        Station("sink", (-2.6, 1.4), math.pi, 0.6, 0.8, 0.75, (0.7, 0.72, 0.75, 1), "sink"),
        Station("trash can", (-2.6, -1.4), math.pi, 0.45, 0.45, 0.45, (0.25, 0.25, 0.25, 1), "bin"),
        Station(USER, (0.0, -2.6), -math.pi / 2, 0.4, 0.6, 0.75, (0.3, 0.4, 0.8, 1), "user"),
    )
}
# Free wall spots for locations a custom scene adds (e.g. a microwave), as (x, y, yaw).
SPARE_SPOTS = (
    (2.6, 0.0, 0.0),
    (-2.6, 0.0, math.pi),
    (1.6, 2.6, math.pi / 2),
    (-1.6, 2.6, math.pi / 2),
    (1.6, -2.6, -math.pi / 2),
    (-1.6, -2.6, -math.pi / 2),
)


def layout_stations(locations: tuple[str, ...], source: str = "<scene>") -> dict[str, Station]:
    """Stations for a scene's locations: the kitchen's own, then free wall spots for new ones."""
    extra = [loc for loc in locations if loc not in KITCHEN_STATIONS]
    if len(extra) > len(SPARE_SPOTS):
        raise ConfigError(
            f"{source}: the simulated kitchen has room for {len(SPARE_SPOTS)} new locations, "
            f"the scene adds {len(extra)}: {extra}"
        )
    spots = dict(zip(extra, SPARE_SPOTS, strict=False))
    return {
        loc: KITCHEN_STATIONS.get(loc)
        or Station(loc, spots[loc][:2], spots[loc][2], 0.5, 0.7, 0.75, (0.5, 0.5, 0.45, 1), "counter")
        for loc in locations
    }


@dataclass(frozen=True)
class ObjectModel:
    """A simple shape: ``box`` (size = x, y, z extents), ``cylinder`` (radius, height) or ``sphere`` (radius)."""

    shape: str
    size: tuple[float, ...]
    color: tuple[float, float, float, float]
    mass: float

    @property
    def height(self) -> float:
        return {"box": lambda s: s[2], "cylinder": lambda s: s[1], "sphere": lambda s: 2 * s[0]}[self.shape](self.size)

    @property
    def grip_depth(self) -> float:
        """How far below its top a top-down grasp closes the fingertips: deeper on tall things, so they hang steady."""
        return min(0.025 + 0.1 * self.height, self.height / 2)


OBJECT_MODELS: dict[str, ObjectModel] = {
    "coke can": ObjectModel("cylinder", (0.03, 0.12), (0.8, 0.05, 0.05, 1), 0.35),
    "sprite can": ObjectModel("cylinder", (0.03, 0.12), (0.1, 0.7, 0.2, 1), 0.35),
    "water bottle": ObjectModel("cylinder", (0.032, 0.2), (0.6, 0.8, 1.0, 1), 0.5),
    "rice chips": ObjectModel("box", (0.12, 0.05, 0.16), (0.95, 0.85, 0.3, 1), 0.1),
    "jalapeno chips": ObjectModel("box", (0.12, 0.05, 0.16), (0.2, 0.5, 0.15, 1), 0.1),
    "apple": ObjectModel("sphere", (0.035,), (0.85, 0.1, 0.1, 1), 0.15),
    "orange": ObjectModel("sphere", (0.035,), (1.0, 0.55, 0.0, 1), 0.15),
    "energy bar": ObjectModel("box", (0.12, 0.04, 0.025), (0.45, 0.3, 0.15, 1), 0.05),
    "sponge": ObjectModel("box", (0.1, 0.06, 0.035), (0.9, 0.9, 0.2, 1), 0.03),
}


def object_model(name: str) -> ObjectModel:
    """The model of a known object, else a small box with a colour derived from the name."""
    if name in OBJECT_MODELS:
        return OBJECT_MODELS[name]
    digest = hashlib.sha256(name.encode()).digest()
    return ObjectModel("box", (0.06, 0.05, 0.08), (digest[0] / 255, digest[1] / 255, digest[2] / 255, 1), 0.15)
