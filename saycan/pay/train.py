"""Training Pay's goal scorer on generated tasks, and measuring it on wordings it never saw.

Each request is parsed against its scene (`GoalScorer`); the loss adds what each head should find
(the kinds of goal, how many parts, the objects and places the right goals name) and -log p(a right
goal) under a softmax over every candidate goal the planner would weigh.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch.nn import functional as F

from saycan.pay.data import GoalExample, parts_of
from saycan.pay.ensemble import Ensemble
from saycan.pay.goals import KINDS, USER, Candidate, by_predicates, describe, pairs, singles
from saycan.pay.model import GoalScorer, Parse, TokenStates, score_goals
from saycan.world.scene import Scene
from saycan.world.suite import Task

TOP_SINGLES = 10  # one-predicate goals whose pairs are weighed too


def read(
    model: GoalScorer, states: TokenStates, requests: Sequence[tuple[str, Scene]]
) -> list[tuple[Parse, list[str], list[str]]]:
    """The parse of each (request, scene), with the scene's objects and places in the parse's order."""
    scenes = [(list(scene.objects), [loc for loc in scene.locations if loc != USER]) for _, scene in requests]
    texts = [
        [request, *(describe(scene, o) for o in objects), *(f"the {p}" for p in places)]
        for (request, scene), (objects, places) in zip(requests, scenes, strict=True)
    ]
    tokens = [states(t) for t in texts]
    parses = model(
        [t[0] for t in tokens],
        [t[1 : 1 + len(o)] for t, (o, _) in zip(tokens, scenes, strict=True)],
        [t[1 + len(o) :] for t, (o, _) in zip(tokens, scenes, strict=True)],
    )
    return [(parse, objects, places) for parse, (objects, places) in zip(parses, scenes, strict=True)]


def candidates(
    parses: Sequence[Parse], scene: Scene, objects: list[str], places: list[str], also: Sequence[Candidate] = ()
) -> tuple[list[Candidate], torch.Tensor]:
    """(every one-predicate goal and the pairs of the best ones (and of ``also``), their scores): the mean
    over ``parses``, one per member of an `Ensemble` reading the same request."""

    def score(goals: list[Candidate]) -> torch.Tensor:
        return torch.stack([score_goals(p, goals, objects, places, KINDS) for p in parses]).mean(0)

    ones = singles(scene)
    first = score(ones)
    best = [ones[i] for i in torch.argsort(first, descending=True)[:TOP_SINGLES].tolist()]
    two = pairs(list(dict.fromkeys([*best, *also])))
    return ones + two, torch.cat([first, score(two) if two else torch.zeros(0)])


def example_loss(
    model: GoalScorer, ex: GoalExample, parse: Parse, objects: list[str], places: list[str]
) -> torch.Tensor:
    """The heads' losses plus -log p(a right goal) over the candidates, for one request's parse."""
    kinds = torch.tensor([k in ex.kinds for k in model.kinds], dtype=torch.float32)
    loss = F.binary_cross_entropy_with_logits(parse.kind, kinds)
    index = {o: i for i, o in enumerate(objects)}
    for obj, asked in ex.object_kinds:
        wanted = torch.tensor([k in asked for k in model.kinds], dtype=torch.float32)
        loss = loss + F.binary_cross_entropy_with_logits(parse.object_kinds[index[obj]], wanted) / len(ex.object_kinds)
    loss = loss + F.nll_loss(parse.count[None], torch.tensor([min(ex.count, 2) - 1]))
    loss = loss + F.binary_cross_entropy_with_logits(
        parse.objects, torch.tensor([o in ex.objects for o in objects]).float()
    )
    loss = loss + F.binary_cross_entropy_with_logits(
        parse.places, torch.tensor([p in ex.places for p in places]).float()
    )
    goals, scores = candidates([parse], ex.task.scene, objects, places, parts_of(ex.task))
    right = torch.tensor([g.predicates in ex.right for g in goals])
    if right.any():
        loss = loss + torch.logsumexp(scores, 0) - torch.logsumexp(scores[right], 0)
    return loss


def batch_loss(model: GoalScorer, states: TokenStates, examples: Sequence[GoalExample]) -> torch.Tensor:
    """The mean of `example_loss` over ``examples``, read as one batch."""
    parses = read(model, states, [(e.request, e.task.scene) for e in examples])
    return torch.stack([example_loss(model, e, *parse) for e, parse in zip(examples, parses, strict=True)]).mean()


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
    model: Ensemble, states: TokenStates, request: str, scene: Scene, max_goals: int = 6
) -> list[tuple[Candidate, float]]:
    """The ``max_goals`` likeliest goals of ``request`` in ``scene`` with their scores (the members'
    mean), best first. A goal said several ways ("find the apple", "go to the near counter") counts once,
    with its best score."""
    model.eval()
    reads = [read(member, states, [(request, scene)])[0] for member in model.members]
    _, objects, places = reads[0]
    goals, scores = candidates([parse for parse, _, _ in reads], scene, objects, places)
    score = dict(zip([g.text for g in goals], scores.tolist(), strict=True))
    best = [max(((c, score[c.text]) for c in said), key=lambda x: x[1]) for said in by_predicates(goals).values()]
    return sorted(best, key=lambda x: -x[1])[:max_goals]


def inference_accuracy(model: Ensemble, states: TokenStates, tasks: Sequence[Task]) -> dict[str, float]:
    """How often the goal Pay infers first is a success clause, overall and per family."""
    hits: dict[str, list[bool]] = {}
    for task in tasks:
        top = infer_goals(model, states, task.instruction, task.scene, max_goals=1)[0][0].predicates
        hits.setdefault(task.family, []).append(any(top == frozenset(c) for c in task.goal))
    overall = float(np.mean([h for v in hits.values() for h in v]))
    return {"top1": overall, **{family: float(np.mean(v)) for family, v in hits.items()}}
