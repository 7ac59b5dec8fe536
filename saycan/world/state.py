"""The symbolic world: the scene's state that skills read and change, as plain relations and a scene graph."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import replace
from typing import Any

import networkx as nx

from saycan.world.scene import FLOOR, ROBOT, Scene

# Node attributes the world itself keeps; any other (e.g. a custom skill's "heated") is a flag.
OWN_ATTRIBUTES = ("kind", "clean", "closed")


class SkillFailure(RuntimeError):
    """A skill could not run in the current state (a precondition does not hold)."""


class SymbolicWorld:
    """The kitchen's state, with the queries and changes skills need.

    Relations are kept in plain dicts, so a planner can copy a world and key its state in
    microseconds (`copy`, `key`). ``graph`` is the same state as a scene graph: every object and
    spill has one ``at`` edge to a location, except the object in the robot's hand, which has a
    ``holding`` edge from the robot. An object that fell (read back from a sim, `drop`) is ``at`` the
    `FLOOR`, reachable from one place or from none (`reach_from`). Skills may keep their own flags on its nodes
    (``world.graph.nodes["soup"]["heated"] = True``), and copies and keys include them.
    """

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self._robot_at = scene.robot_at
        self._holding = scene.holding
        self._things = (*scene.objects, *scene.spills)  # `key`'s fixed order: sorting per key cost a search 1/5
        self._where = {obj: loc for obj, loc in scene.objects.items() if obj != scene.holding}
        self._where.update(scene.spills)
        self._clean = dict.fromkeys(scene.spills, False)
        self._closed = {p for p in scene.closed if p not in scene.opened}
        self._floor: dict[str, str | None] = {}  # object on the floor -> the place it can be picked up from
        self._graph: nx.DiGraph | None = None  # built when first asked for
        self._flags: dict[str, dict[str, Any]] = {}  # node -> flags, while no graph is built

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

    @property
    def robot_at(self) -> str:
        return self._robot_at

    @property
    def holding(self) -> str | None:
        return self._holding

    def location_of(self, thing: str) -> str | None:
        """Where an object or spill is; None for the object in the robot's hand."""
        if thing not in self.scene.objects and thing not in self.scene.spills:
            raise KeyError(f"unknown object {thing!r}")
        return self._where.get(thing)

    def reach_from(self, thing: str) -> str | None:
        """The place the robot takes ``thing`` from: where it is, or for an object on the floor the place
        whose dock is within the arm's reach of it (None: out of reach, or in the hand)."""
        loc = self.location_of(thing)
        return self._floor.get(thing) if loc == FLOOR else loc

    @property
    def on_floor(self) -> tuple[str, ...]:
        """Objects lying on the floor (fallen, as the sim saw them)."""
        return tuple(self._floor)

    def is_clean(self, spill: str) -> bool:
        return self._clean[spill]

    def is_closed(self, place: str) -> bool:
        """Whether ``place`` has a door (`Scene.closed`) and it is shut now."""
        return place in self._closed

    @property
    def graph(self) -> nx.DiGraph:
        """The state as a scene graph (nodes carry ``kind``; edges carry ``relation``), kept in step."""
        if self._graph is None:
            self._graph = self.scene.graph()
            for node, flags in self._flags.items():
                self._graph.nodes[node].update(flags)
        g = self._graph
        g.remove_edges_from(list(g.edges))
        for thing, loc in self._where.items():
            g.add_edge(thing, loc, relation="at")
        if self._floor:
            g.nodes[FLOOR]["kind"] = "floor"
        g.add_edge(ROBOT, self._robot_at, relation="at")
        if self._holding is not None:
            g.add_edge(ROBOT, self._holding, relation="holding")
        for spill, clean in self._clean.items():
            g.nodes[spill]["clean"] = clean
        for place in self.scene.closed:
            g.nodes[place]["closed"] = place in self._closed
        return g

    def flags(self) -> dict[str, dict[str, Any]]:
        """Node -> the flags skills set on it (attributes other than the world's own)."""
        if self._graph is None:
            return {node: dict(f) for node, f in self._flags.items() if f}
        return {
            node: {k: v for k, v in attrs.items() if k not in OWN_ATTRIBUTES}
            for node, attrs in self._graph.nodes(data=True)
            if any(k not in OWN_ATTRIBUTES for k in attrs)
        }

    def set_flags(self, flags: dict[str, dict[str, Any]]) -> None:
        """Set skills' flags on nodes (see `flags`), e.g. to carry them into a world read back from a sim."""
        for node, values in flags.items():
            if self._graph is None:
                self._flags.setdefault(node, {}).update(values)
            else:
                self._graph.nodes[node].update(values)

    def key(self) -> Hashable:
        """The state as a hashable value: equal keys, equal states (flags included)."""
        flags = tuple(sorted((n, k, repr(v)) for n, f in self.flags().items() for k, v in f.items()))
        where = tuple(map(self._where.get, self._things))  # None: the object in the hand
        closed = tuple(sorted(self._closed)) if self._closed else ()
        floor = tuple(sorted(self._floor.items(), key=str)) if self._floor else ()
        return self._robot_at, self._holding, where, tuple(self._clean.values()), closed, flags, floor

    def as_scene(self) -> Scene:
        """The current state as a `Scene` (a held object is placed where the robot is, as scenes do; a scene has
        no floor, so a fallen object is placed where it can be reached from, else where the robot is)."""
        objects = {obj: self.reach_from(obj) or self._robot_at for obj in self.scene.objects}
        opened = tuple(p for p in self.scene.closed if p not in self._closed)
        return replace(self.scene, objects=objects, robot_at=self._robot_at, holding=self._holding, opened=opened)

    def copy(self) -> SymbolicWorld:
        """An independent world in the same state (for planning ahead without acting)."""
        new = SymbolicWorld.__new__(SymbolicWorld)
        new.scene, new._things, new._robot_at, new._holding = self.scene, self._things, self._robot_at, self._holding
        new._where, new._clean, new._closed, new._graph = dict(self._where), dict(self._clean), set(self._closed), None
        new._flags, new._floor = self.flags(), dict(self._floor)
        return new

    # -- changes ---------------------------------------------------------------
    def move_robot(self, location: str) -> None:
        self._robot_at = location

    def grasp(self, obj: str) -> None:
        if self._holding is not None:
            raise SkillFailure(f"cannot pick up the {obj}: already holding the {self._holding}")
        loc, reach = self.location_of(obj), self.reach_from(obj)
        if loc == FLOOR and reach != self._robot_at:
            where = f"from the {reach}" if reach else "from nowhere the robot can stand"
            raise SkillFailure(f"cannot pick up the {obj}: it lies on the floor, reachable {where}")
        if loc != FLOOR and loc != self._robot_at:
            raise SkillFailure(f"cannot pick up the {obj}: it is at the {loc}, the robot is at the {self._robot_at}")
        if loc in self._closed:
            raise SkillFailure(f"cannot pick up the {obj}: the {loc} is closed")
        del self._where[obj]
        self._floor.pop(obj, None)
        self._holding = obj

    def release(self, obj: str) -> None:
        if self._holding != obj:
            raise SkillFailure(f"cannot put down the {obj}: not holding it (holding: {self._holding or 'nothing'})")
        if self._robot_at in self._closed:
            raise SkillFailure(f"cannot put down the {obj}: the {self._robot_at} is closed")
        self._holding = None
        self._where[obj] = self._robot_at

    def drop(self, obj: str, reach: str | None) -> None:
        """``obj`` lies on the floor (out of the hand, if it was held), reachable from the place ``reach`` or
        from none (None); the env that reads a sim calls this for an object on no surface."""
        if obj not in self.scene.objects:
            raise KeyError(f"unknown object {obj!r}")
        if reach is not None and reach not in self.scene.locations:
            raise KeyError(f"unknown location {reach!r}")
        if self._holding == obj:
            self._holding = None
        self._where[obj], self._floor[obj] = FLOOR, reach

    def open(self, place: str) -> None:
        if place not in self.scene.closed:
            raise SkillFailure(f"cannot open the {place}: it has no door")
        self._closed.discard(place)

    def close(self, place: str) -> None:
        if place not in self.scene.closed:
            raise SkillFailure(f"cannot close the {place}: it has no door")
        self._closed.add(place)

    def clean(self, spill: str) -> None:
        self._clean[spill] = True

    def snapshot(self) -> dict[str, object]:
        """A JSON-able summary of the state, for traces."""
        return {
            "robot_at": self.robot_at,
            "holding": self.holding,
            "objects": {o: self.location_of(o) for o in self.objects if o != self.holding},
            "clean": {s: self.is_clean(s) for s in self.spills},
            **({"closed": sorted(self._closed)} if self.scene.closed else {}),
        }
