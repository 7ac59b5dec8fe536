"""Scoring a scene's candidate goals against a request's parse: goals indexed once, scored in gathers.

Training reads every request again each epoch, in the same start scene; a scene's one-predicate goals
(`saycan.pay.goals.singles`) and their rows in the parse's tensors are built once (`SceneGoals`), and a
goal of several parts has its singles' rows (`GoalIndex.join`). Building them per request and epoch
(Python objects, then index tensors) took about 5% of an epoch's time.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from saycan.pay.goals import KINDS, MAX_PARTS, USER, Candidate, describe, singles
from saycan.pay.model import Parse
from saycan.world.scene import Scene


@dataclass(frozen=True, eq=False)  # tensors: compared by identity
class GoalIndex:
    """Goals as rows of a parse: per goal up to `MAX_PARTS` parts, each a kind, an object and a place (-1: none).

    A goal's missing parts are not ``real``; their kind is 0 and their object and place -1.
    """

    kind: torch.Tensor  # (n_goals, MAX_PARTS) long
    obj: torch.Tensor  # (n_goals, MAX_PARTS) long, -1: no object
    place: torch.Tensor  # (n_goals, MAX_PARTS) long, -1: no place
    real: torch.Tensor  # (n_goals, MAX_PARTS) bool

    @classmethod
    def of(
        cls, goals: Sequence[Candidate], objects: Sequence[str], places: Sequence[str], kinds: Sequence[str] = KINDS
    ) -> GoalIndex:
        """The rows of ``goals`` in a parse of ``objects``, ``places`` and ``kinds``."""
        obj_index, place_index = {o: i for i, o in enumerate(objects)}, {p: i for i, p in enumerate(places)}
        kind_index = {k: i for i, k in enumerate(kinds)}
        rows = [
            [(kind_index[p.kind], obj_index.get(p.object, -1), place_index.get(p.location, -1)) for p in g.parts]
            for g in goals
        ]
        padded = [r + [(0, -1, -1)] * (MAX_PARTS - len(r)) for r in rows]
        kind, obj, place = torch.tensor(padded, dtype=torch.long).view(len(goals), MAX_PARTS, 3).unbind(-1)
        real = torch.tensor([[True] * len(r) + [False] * (MAX_PARTS - len(r)) for r in rows], dtype=torch.bool)
        return cls(kind, obj, place, real.view(len(goals), MAX_PARTS))

    def join(self, groups: Sequence[Sequence[int]]) -> GoalIndex:
        """The rows of the goals joining one-part goals ``(i, j[, k])`` of this index, as `goals.pair` joins
        them (i's part first)."""
        columns = [list(g) + [-1] * (MAX_PARTS - len(g)) for g in groups]
        index = torch.tensor(columns, dtype=torch.long)
        real = index >= 0
        rows = index.clamp(min=0)

        def gather(t: torch.Tensor, empty: int) -> torch.Tensor:
            return torch.where(real, t[rows, 0], empty)

        return GoalIndex(gather(self.kind, 0), gather(self.obj, -1), gather(self.place, -1), real)


@dataclass(frozen=True, eq=False)
class SceneGoals:
    """A scene's one-predicate goals and their rows in a parse of a request in the scene, which reads
    ``objects`` by their ``descriptions`` and ``places`` by their names."""

    goals: list[Candidate]
    objects: list[str]
    places: list[str]
    index: GoalIndex
    descriptions: list[str]  # "the apple (food, fruit, ...)" per object, then "the table" per place

    @classmethod
    def of(cls, scene: Scene, kinds: Sequence[str] = KINDS, places_described: bool = True) -> SceneGoals:
        """``kinds`` and ``places_described`` (objects described with where they are) as the scorer reads them."""
        goals = [g for g in singles(scene) if all(p.kind in kinds for p in g.parts)]
        objects = list(scene.objects)
        places = [loc for loc in scene.locations if loc != USER]
        descriptions = [*(describe(scene, o, places_described) for o in objects), *(f"the {p}" for p in places)]
        return cls(goals, objects, places, GoalIndex.of(goals, objects, places, kinds), descriptions)


def score_goals(parse: Parse, goals: GoalIndex) -> torch.Tensor:
    """(n_goals,) scores: each part's log p(its object) + log p(the kind asked of it) + log p(its place)
    (minus how far apart the object's and the place's words are), + log p(how many parts), - a penalty for
    each two objects that attend to the same words.

    All goals are scored in one pass of gathers, so training builds a small autograd graph per request
    rather than a few operations per goal (it is most of the time of an epoch)."""
    kind, obj, place, real = goals.kind, goals.obj, goals.place, goals.real
    has_obj, has_place = obj >= 0, place >= 0
    o, pl = obj.clamp(min=0), place.clamp(min=0)

    log_obj, log_place = nn.functional.logsigmoid(parse.objects), nn.functional.logsigmoid(parse.places)
    log_kind, log_obj_kind = nn.functional.logsigmoid(parse.kind), nn.functional.logsigmoid(parse.object_kinds)
    # A part without an object ("go to the table") reads the request's kind; one with an object, the kind
    # asked of that object and whether the request refers to it.
    part = torch.where(has_obj, log_obj_kind[o, kind] + log_obj[o], log_kind[kind])
    part = part + torch.where(has_place, log_place[pl], 0.0)
    # "put the X on the L": X's and L's words should be near.
    part = part - torch.where(has_obj & has_place, parse.distance * parse.apart[o, pl], 0.0)
    parts = real.sum(1)
    total = parse.count[(parts - 1).clamp(max=len(parse.count) - 1)] + torch.where(real, part, 0.0).sum(1)
    shared = parse.object_focus @ parse.object_focus.T  # (n_objects, n_objects) attention on the same words
    for a, b in itertools.combinations(range(kind.shape[1]), 2):
        both = real[:, a] & real[:, b] & has_obj[:, a] & has_obj[:, b]
        # "a fruit and a snack": the object whose words come second must not also fit the first one's words
        # (zero without `contrast`; less so when the request asks for things of one kind: "two snacks").
        first_is_a = parse.where[o[:, a]] <= parse.where[o[:, b]]
        first, second = torch.where(first_is_a, o[:, a], o[:, b]), torch.where(first_is_a, o[:, b], o[:, a])
        penalty = parse.overlap * shared[o[:, a], o[:, b]] + parse.contrast[first, second]
        total = total - torch.where(both, penalty, 0.0)
    return total
