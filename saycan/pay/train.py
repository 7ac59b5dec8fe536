"""Training Pay's goal scorer on generated tasks, and measuring it on wordings it never saw.

Each request is parsed against its scene (`GoalScorer`); the loss adds what each head should find
(the kinds of goal, how many parts, the objects and places the right goals name) and -log p(a right
goal) under a softmax over every candidate goal the planner would weigh.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Collection, Sequence

import numpy as np
import torch
from torch.nn import functional as F

from saycan.pay.data import GoalExample
from saycan.pay.ensemble import Ensemble
from saycan.pay.goal_scores import SceneGoals, score_goals
from saycan.pay.goals import Candidate, by_predicates, compatible, pair
from saycan.pay.model import GoalScorer, Parse, TokenStates
from saycan.pay.named import NAMED_BONUS, named_objects
from saycan.pay.needs import own_need
from saycan.pay.sets import set_objects
from saycan.world.scene import Scene
from saycan.world.state import SymbolicWorld
from saycan.world.suite import Task

TOP_SINGLES = 10  # one-predicate goals whose pairs are weighed too
FAVOURED_SINGLES = 2  # and the best goals about each object a request asks for as a set (`saycan.pay.sets`)


def read(model: GoalScorer, states: TokenStates, requests: Sequence[tuple[str, SceneGoals]]) -> list[Parse]:
    """The parse of each (request, its scene's goals), objects and places in the `SceneGoals`' order."""
    tokens = [states([request, *goals.descriptions]) for request, goals in requests]
    ends = [1 + len(goals.objects) for _, goals in requests]
    return model(
        [t[0] for t in tokens],
        [t[1:end] for t, end in zip(tokens, ends, strict=True)],
        [t[end:] for t, end in zip(tokens, ends, strict=True)],
    )


def candidates(
    parses: Sequence[Parse],
    scene_goals: SceneGoals,
    also: Sequence[int] = (),
    parts: int = 2,
    favour: Collection[str] = (),
) -> tuple[list[Candidate], torch.Tensor]:
    """(every one-predicate goal and the goals joining two (up to ``parts``) of the best ones (and of
    ``also``, positions among the one-predicate goals, and the `FAVOURED_SINGLES` best goals about each
    object of ``favour``), their scores): the mean over ``parses``, one per member of an `Ensemble` reading
    the same request."""
    ones = scene_goals.goals
    first = torch.stack([score_goals(p, scene_goals.index) for p in parses]).mean(0)
    order = torch.argsort(first, descending=True).tolist()
    favoured = [i for obj in favour for i in [i for i in order if ones[i].objects == {obj}][:FAVOURED_SINGLES]]
    among = list(dict.fromkeys([*order[:TOP_SINGLES], *also, *favoured]))
    joined = [
        group
        for size in range(2, parts + 1)
        for group in itertools.combinations(among, size)
        if compatible(*(ones[i] for i in group))
    ]
    if not joined:
        return list(ones), first
    more = scene_goals.index.join(joined)
    second = torch.stack([score_goals(p, more) for p in parses]).mean(0)
    return ones + [pair(*(ones[i] for i in group)) for group in joined], torch.cat([first, second])


def example_loss(model: GoalScorer, ex: GoalExample, parse: Parse) -> torch.Tensor:
    """The heads' losses plus -log p(a right goal) over the candidates, for one request's parse."""
    kinds = torch.tensor([k in ex.kinds for k in model.kinds], dtype=torch.float32)
    loss = F.binary_cross_entropy_with_logits(parse.kind, kinds)
    objects, places = ex.scene_goals.objects, ex.scene_goals.places
    index = {o: i for i, o in enumerate(objects)}
    for obj, asked in ex.object_kinds:
        wanted = torch.tensor([k in asked for k in model.kinds], dtype=torch.float32)
        loss = loss + F.binary_cross_entropy_with_logits(parse.object_kinds[index[obj]], wanted) / len(ex.object_kinds)
    loss = loss + F.nll_loss(parse.count[None], torch.tensor([min(ex.count, model.parts) - 1]))
    if model.alike and ex.alike is not None:
        loss = loss + F.binary_cross_entropy_with_logits(parse.alike, torch.tensor(float(ex.alike)))
    loss = loss + F.binary_cross_entropy_with_logits(
        parse.objects, torch.tensor([o in ex.objects for o in objects]).float()
    )
    loss = loss + F.binary_cross_entropy_with_logits(
        parse.places, torch.tensor([p in ex.places for p in places]).float()
    )
    goals, scores = candidates([parse], ex.scene_goals, ex.in_clause, model.parts)
    right = torch.tensor([g.predicates in ex.right for g in goals])
    if right.any():
        loss = loss + torch.logsumexp(scores, 0) - torch.logsumexp(scores[right], 0)
    return loss


def batch_loss(model: GoalScorer, states: TokenStates, examples: Sequence[GoalExample]) -> torch.Tensor:
    """The mean of `example_loss` over ``examples``, read as one batch."""
    parses = read(model, states, [(e.request, e.scene_goals) for e in examples])
    return torch.stack([example_loss(model, e, parse) for e, parse in zip(examples, parses, strict=True)]).mean()


def fit(
    model: GoalScorer,
    examples: Sequence[GoalExample],
    states: TokenStates,
    epochs: int = 12,
    lr: float = 2e-3,
    batch: int = 16,
    seed: int = 0,
    on_epoch: Callable[[int, float], None] | None = None,
) -> GoalScorer:
    """Train on ``examples``, ``batch`` requests per step (AdamW, one-cycle learning rate)."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    steps = epochs * ((len(examples) + batch - 1) // batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(1, steps))
    order = list(range(len(examples)))
    for epoch in range(epochs):
        model.train()
        rng.shuffle(order)
        total = 0.0
        for start in range(0, len(order), batch):
            group = [examples[i] for i in order[start : start + batch]]
            loss = batch_loss(model, states, group)
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            total += float(loss.detach()) * len(group)
        if on_epoch:
            on_epoch(epoch, total / len(examples))
    return model.eval()


@torch.no_grad()
def infer_goals(
    model: Ensemble,
    states: TokenStates,
    request: str,
    scene: Scene,
    max_goals: int = 6,
    named_bonus: float = NAMED_BONUS,
    read_sets: bool = True,
    read_needs: bool = True,
) -> list[tuple[Candidate, float]]:
    """The ``max_goals`` likeliest goals of ``request`` in ``scene`` with their scores (the members'
    mean, plus ``named_bonus`` per object of the goal the request names, `saycan.pay.named`, or asks for
    as a set, `saycan.pay.sets`, unless not ``read_sets``; for a set request, minus it per other object
    the goal moves and per set object it leaves where it is; for a request in the person's own voice,
    `saycan.pay.needs`, unless not ``read_needs``, minus it per object the goal leaves in the robot's hand), best first.
    A goal said several ways ("find the apple", "go to the near counter") counts once, with its best score."""
    model.eval()
    first = model.members[0]
    scene_goals = SceneGoals.of(scene, first.kinds, first.places_described)
    parses = [read(member, states, [(request, scene_goals)])[0] for member in model.members]
    group = set_objects(request, scene) if read_sets else frozenset()
    goals, scores = candidates(parses, scene_goals, parts=first.parts, favour=group)
    named = named_objects(request, scene.objects) | group if named_bonus else frozenset()
    outside = frozenset(scene.objects) - named if group else frozenset()  # a set request asks for nothing else
    start = SymbolicWorld(scene) if group else None
    need = read_needs and own_need(request)  # "I need to drive a nail": the hammer to the person, not held

    def bonus(goal: Candidate) -> float:
        objects = {part.object for part in goal.parts}
        held = sum(part.kind == "hold" for part in goal.parts) if need else 0
        # a set request asks for all of its set to move: a part leaving one where it is does not count
        moved = {part.object for part in goal.parts if not part.predicate.holds(start)} if start else set()
        return named_bonus * (len(named & objects) - len(outside & objects) - len(group - moved) - held)

    score = {g.text: s + bonus(g) for g, s in zip(goals, scores.tolist(), strict=True)}
    best = [max(((c, score[c.text]) for c in said), key=lambda x: x[1]) for said in by_predicates(goals).values()]
    return sorted(best, key=lambda x: -x[1])[:max_goals]


def inference_accuracy(
    model: Ensemble,
    states: TokenStates,
    tasks: Sequence[Task],
    named_bonus: float = NAMED_BONUS,
    read_sets: bool = True,
    read_needs: bool = True,
) -> dict[str, float]:
    """How often the goal Pay infers first is a success clause, overall (``top1``, over ``n`` tasks; nan for
    none) and per family."""
    if not tasks:
        return {"top1": float("nan"), "n": 0}
    hits: dict[str, list[bool]] = {}
    for task in tasks:
        top = infer_goals(model, states, task.instruction, task.scene, 1, named_bonus, read_sets, read_needs)[0][0]
        top = top.predicates
        hits.setdefault(task.family, []).append(any(top == frozenset(c) for c in task.goal))
    overall = float(np.mean([h for v in hits.values() for h in v]))
    return {"top1": overall, "n": len(tasks), **{family: float(np.mean(v)) for family, v in hits.items()}}
