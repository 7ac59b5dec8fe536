"""Scoring a scene's candidate goals against a request's parse: goals indexed once, scored in gathers.

Training reads every request again each epoch, in the same start scene; a scene's one-predicate goals
(`saycan.pay.goals.singles`) and their rows in the parse's tensors are built once (`SceneGoals`), and a
pair's rows are its two singles' rows (`GoalIndex.join`). Building them per request and epoch (Python
objects, then index tensors) took about 5% of an epoch's time; the scores are the same to the bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from saycan.pay.goals import KINDS, USER, Candidate, describe, singles
from saycan.pay.model import Parse
from saycan.world.scene import Scene


@dataclass(frozen=True, eq=False)  # tensors: compared by identity
class GoalIndex:
    """Goals as rows of a parse: per goal two parts, each a kind, an object and a place (-1: none).

    A one-part goal's second part is not ``real``; its kind is 0 and its object and place -1.
    """

    kind: torch.Tensor  # (n_goals, 2) long
    obj: torch.Tensor  # (n_goals, 2) long, -1: no object
    place: torch.Tensor  # (n_goals, 2) long, -1: no place
    real: torch.Tensor  # (n_goals, 2) bool

    @classmethod
    def of(
        cls, goals: Sequence[Candidate], objects: Sequence[str], places: Sequence[str], kinds: Sequence[str] = KINDS
    ) -> GoalIndex:
        """The rows of ``goals`` (one or two parts each) in a parse of ``objects``, ``places`` and ``kinds``."""
        obj_index, place_index = {o: i for i, o in enumerate(objects)}, {p: i for i, p in enumerate(places)}
        kind_index = {k: i for i, k in enumerate(kinds)}
        rows = [
            [(kind_index[p.kind], obj_index.get(p.object, -1), place_index.get(p.location, -1)) for p in g.parts]
            for g in goals
        ]
        table = torch.tensor([r + [(0, -1, -1)] * (2 - len(r)) for r in rows], dtype=torch.long).view(len(goals), 2, 3)
        kind, obj, place = table.unbind(-1)
        real = torch.tensor([[True] * len(r) + [False] * (2 - len(r)) for r in rows], dtype=torch.bool)
        return cls(kind, obj, place, real.view(len(goals), 2))

    def join(self, pairs: Sequence[tuple[int, int]]) -> GoalIndex:
        """The rows of the two-part goals joining one-part goals ``(i, j)`` of this index, as `goals.pair`
        joins them (i's part first)."""
        i, j = (torch.tensor(side, dtype=torch.long) for side in zip(*pairs, strict=True))

        def both(t: torch.Tensor) -> torch.Tensor:
            return torch.stack([t[i, 0], t[j, 0]], 1)

        return GoalIndex(both(self.kind), both(self.obj), both(self.place), torch.ones(len(pairs), 2, dtype=torch.bool))


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
    def of(cls, scene: Scene) -> SceneGoals:
        goals, objects = singles(scene), list(scene.objects)
        places = [loc for loc in scene.locations if loc != USER]
        descriptions = [*(describe(scene, o) for o in objects), *(f"the {p}" for p in places)]
        return cls(goals, objects, places, GoalIndex.of(goals, objects, places), descriptions)


def score_goals(parse: Parse, goals: GoalIndex) -> torch.Tensor:
    """(n_goals,) scores: each part's log p(its object) + log p(the kind asked of it) + log p(its place)
    (minus how far apart the object's and the place's words are), + log p(how many parts), - the penalty
    for two objects that attend to the same words.

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
    total = parse.count[(real.sum(1) - 1).clamp(max=1)] + torch.where(real, part, 0.0).sum(1)
    shared = parse.object_focus @ parse.object_focus.T  # (n_objects, n_objects) attention on the same words
    both = (real & has_obj).all(1)
    # "a fruit and a snack": the snack is read as not a fruit, so the object whose words come second must
    # not also fit the first one's words (zero without `contrast`).
    first_is_0 = parse.where[o[:, 0]] <= parse.where[o[:, 1]]
    first, second = torch.where(first_is_0, o[:, 0], o[:, 1]), torch.where(first_is_0, o[:, 1], o[:, 0])
    penalty = parse.overlap * shared[o[:, 0], o[:, 1]] + parse.contrast[first, second]
    return total - torch.where(both, penalty, 0.0)
