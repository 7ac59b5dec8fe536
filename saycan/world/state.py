"""The symbolic world: a scene graph whose state skills read and change."""

from __future__ import annotations

import networkx as nx

from saycan.world.scene import ROBOT, Scene


class SkillFailure(RuntimeError):
    """A skill could not run in the current state (a precondition does not hold)."""


class SymbolicWorld:
    """The kitchen as a scene graph, with the queries and changes skills need.

    Every object and spill has one ``at`` edge to a location, except the object in the
    robot's hand, which has a ``holding`` edge from the robot instead.
    """

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.graph: nx.DiGraph = scene.graph()

    # -- queries ---------------------------------------------------------------
    @property
    def objects(self) -> tuple[str, ...]:
        return tuple(self.scene.objects)

    @property
    def locations(self) -> tuple[str, ...]:
        return self.scene.locations

    @property
    def spills(self) -> tuple[str, ...]:
        return tuple(self.scene.spills)

    def _at(self, node: str) -> str | None:
        for _, dst, rel in self.graph.out_edges(node, data="relation"):
            if rel == "at":
                return dst
        return None

    @property
    def robot_at(self) -> str:
        loc = self._at(ROBOT)
        assert loc is not None, "the robot always has a location"
        return loc

    @property
    def holding(self) -> str | None:
        for _, dst, rel in self.graph.out_edges(ROBOT, data="relation"):
            if rel == "holding":
                return dst
        return None

    def location_of(self, thing: str) -> str | None:
        """Where an object or spill is; None for the object in the robot's hand."""
        if thing not in self.graph:
            raise KeyError(f"unknown object {thing!r}")
        return self._at(thing)

    def is_clean(self, spill: str) -> bool:
        return bool(self.graph.nodes[spill]["clean"])

    # -- changes ---------------------------------------------------------------
    def move_robot(self, location: str) -> None:
        self.graph.remove_edge(ROBOT, self.robot_at)
        self.graph.add_edge(ROBOT, location, relation="at")

    def grasp(self, obj: str) -> None:
        if self.holding is not None:
            raise SkillFailure(f"cannot pick up the {obj}: already holding the {self.holding}")
        loc = self.location_of(obj)
        if loc != self.robot_at:
            raise SkillFailure(f"cannot pick up the {obj}: it is at the {loc}, the robot is at the {self.robot_at}")
        self.graph.remove_edge(obj, loc)
        self.graph.add_edge(ROBOT, obj, relation="holding")

    def release(self, obj: str) -> None:
        if self.holding != obj:
            raise SkillFailure(f"cannot put down the {obj}: not holding it (holding: {self.holding or 'nothing'})")
        self.graph.remove_edge(ROBOT, obj)
        self.graph.add_edge(obj, self.robot_at, relation="at")

    def clean(self, spill: str) -> None:
        self.graph.nodes[spill]["clean"] = True

    def snapshot(self) -> dict[str, object]:
        """A JSON-able summary of the state, for traces."""
        return {
            "robot_at": self.robot_at,
            "holding": self.holding,
            "objects": {o: self.location_of(o) for o in self.objects if o != self.holding},
            "clean": {s: self.is_clean(s) for s in self.spills},
        }
