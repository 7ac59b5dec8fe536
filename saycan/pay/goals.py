"""Candidate goals of a scene, each with a plain-English text for the goal scorer to compare requests with.

A goal is what a request asks for at the end: one predicate ("bring the apple to the user":
``at(apple, you)``), or two or three ("..., and throw away the coke can"; "bring me every drink from the
fridge"). Objects are described with their attributes and where they are, so "a drink that isn't soda"
can be matched against "the water bottle (drink, water, ...)" and "from the fridge" against "... in the
fridge".
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from saycan.world.predicates import Predicate
from saycan.world.scene import USER, Scene

KINDS = ("bring", "trash", "place", "putdown", "hold", "go", "clean", "open", "close")
OLD_KINDS = KINDS[:7]  # checkpoints made before doors read these
MAX_PARTS = 3  # a goal names at most this many predicates


@dataclass(frozen=True)
class Part:
    """One predicate of a goal, read as what a request asks: its kind, the object and the place it names."""

    kind: str
    predicate: Predicate
    object: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class Candidate:
    """One goal: its predicates (all must hold), its parts and its text."""

    predicates: frozenset[Predicate]
    text: str
    parts: tuple[Part, ...] = ()

    @property
    def clause(self) -> tuple[Predicate, ...]:
        return tuple(sorted(self.predicates, key=str))

    @property
    def objects(self) -> frozenset[str]:
        return frozenset(p.args[0] for p in self.predicates if p.name in ("at", "holding"))


def describe(scene: Scene, obj: str, place: bool = False) -> str:
    """``the apple (food, fruit, ...)``: an object with its attributes; with ``place``, also where it is
    (``... in the fridge`` for a place with a door, ``... on the table`` else)."""
    words = scene.attributes.get(obj, ())
    text = f"the {obj} ({', '.join(words)})" if words else f"the {obj}"
    if not place or obj == scene.holding:
        return text
    loc = scene.objects[obj]
    return f"{text} {'in' if loc in scene.closed else 'on'} the {loc}" if loc != USER else f"{text} with you"


def _one(kind: str, predicate: Predicate, text: str, obj: str | None = None, loc: str | None = None) -> Candidate:
    return Candidate(frozenset({predicate}), text, (Part(kind, predicate, obj, loc),))


def singles(scene: Scene) -> list[Candidate]:
    """Every one-predicate goal of ``scene`` (its start state), with the ways it is usually asked for."""
    out = []
    for obj in scene.objects:
        thing = describe(scene, obj)
        out.append(_one("bring", Predicate("at", (obj, USER)), f"bring {thing} to the user", obj))
        out.append(_one("hold", Predicate("holding", (obj,)), f"pick up {thing} and hold it", obj))
        out.append(_one("go", Predicate("robot_at", (scene.objects[obj],)), f"find {thing}", obj))
        for loc in scene.locations:
            if loc == scene.trash:
                out.append(_one("trash", Predicate("at", (obj, loc)), f"throw {thing} away in the trash can", obj))
            elif loc == scene.recycling:
                out.append(_one("place", Predicate("at", (obj, loc)), f"recycle {thing} in the {loc}", obj, loc))
            elif loc != USER:
                out.append(_one("place", Predicate("at", (obj, loc)), f"put {thing} on the {loc}", obj, loc))
        if obj == scene.holding:
            out.append(_one("putdown", Predicate("at", (obj, scene.robot_at)), f"put down {thing} here", obj))
    for loc in scene.locations:
        if loc != USER:
            out.append(_one("go", Predicate("robot_at", (loc,)), f"go to the {loc}", None, loc))
    for spill, loc in scene.spills.items():
        out.append(_one("clean", Predicate("clean", (spill,)), f"wipe the {spill} on the {loc} clean"))
    for door in scene.closed:  # open what is shut, shut what is open
        if door in scene.opened:
            out.append(_one("close", Predicate("closed", (door,)), f"close the {door}", None, door))
        else:
            out.append(_one("open", Predicate("open", (door,)), f"open the {door}", None, door))
    return out


def compatible(*goals: Candidate) -> bool:
    """Goals that can hold together and are not the same: about different objects and doors, one robot place."""
    predicates = [p for g in goals for p in g.predicates]
    if len(set(predicates)) != len(predicates):
        return False
    named = [o for g in goals for o in g.objects] + [p.args[0] for p in predicates if p.name in ("open", "closed")]
    places = [p for p in predicates if p.name == "robot_at"]
    held = [p for p in predicates if p.name == "holding"]
    return len(set(named)) == len(named) and len(places) <= 1 and len(held) <= 1


def pair(*goals: Candidate) -> Candidate:
    """The goal of all of ``goals`` at once (its text joins theirs)."""
    return Candidate(
        frozenset().union(*(g.predicates for g in goals)),
        ", and ".join(g.text for g in goals),
        tuple(p for g in goals for p in g.parts),
    )


def pairs(among: Sequence[Candidate], size: int = 2) -> list[Candidate]:
    """The compatible goals of ``size`` predicates (2 or 3) formed from ``among``."""
    return [pair(*group) for group in itertools.combinations(among, size) if compatible(*group)]


def by_predicates(candidates: Iterable[Candidate]) -> dict[frozenset[Predicate], list[Candidate]]:
    """Candidates grouped by their goal (several texts can say the same goal: "find the apple", "go to ...")."""
    groups: dict[frozenset[Predicate], list[Candidate]] = {}
    for c in candidates:
        groups.setdefault(c.predicates, []).append(c)
    return groups
