"""Candidate goals of a scene, each with a plain-English text for the goal scorer to compare requests with.

A goal is what a request asks for at the end: one predicate ("bring the apple to the user":
``at(apple, you)``) or two ("..., and throw away the coke can"). Objects are described with their
attributes, so "a drink that isn't soda" can be matched against "the water bottle (drink, water, ...)".
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from saycan.world.predicates import Predicate
from saycan.world.scene import USER, Scene

TRASH = "trash can"


KINDS = ("bring", "trash", "place", "putdown", "hold", "go", "clean")


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


def describe(scene: Scene, obj: str) -> str:
    """``the apple (food, fruit, ...)``: an object with its attributes."""
    words = scene.attributes.get(obj, ())
    return f"the {obj} ({', '.join(words)})" if words else f"the {obj}"


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
            if loc == TRASH:
                out.append(_one("trash", Predicate("at", (obj, loc)), f"throw {thing} away in the trash can", obj))
            elif loc != USER:
                out.append(_one("place", Predicate("at", (obj, loc)), f"put {thing} on the {loc}", obj, loc))
        if obj == scene.holding:
            out.append(_one("putdown", Predicate("at", (obj, scene.robot_at)), f"put down {thing} here", obj))
    for loc in scene.locations:
        if loc != USER:
            out.append(_one("go", Predicate("robot_at", (loc,)), f"go to the {loc}", None, loc))
    for spill, loc in scene.spills.items():
        out.append(_one("clean", Predicate("clean", (spill,)), f"wipe the {spill} on the {loc} clean"))
    return out


def compatible(a: Candidate, b: Candidate) -> bool:
    """Two goals that can hold together and are not the same: about different objects, one robot place."""
    if a.predicates == b.predicates or a.objects & b.objects:
        return False
    places = [p for p in a.predicates | b.predicates if p.name == "robot_at"]
    held = [p for p in a.predicates | b.predicates if p.name == "holding"]
    return len(places) <= 1 and len(held) <= 1


def pair(a: Candidate, b: Candidate) -> Candidate:
    return Candidate(a.predicates | b.predicates, f"{a.text}, and {b.text}", a.parts + b.parts)


def pairs(among: Sequence[Candidate]) -> list[Candidate]:
    """The compatible two-predicate goals formed from ``among``."""
    return [pair(a, b) for a, b in itertools.combinations(among, 2) if compatible(a, b)]


def by_predicates(candidates: Iterable[Candidate]) -> dict[frozenset[Predicate], list[Candidate]]:
    """Candidates grouped by their goal (several texts can say the same goal: "find the apple", "go to ...")."""
    groups: dict[frozenset[Predicate], list[Candidate]] = {}
    for c in candidates:
        groups.setdefault(c.predicates, []).append(c)
    return groups
