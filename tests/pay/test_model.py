"""saycan/pay/model.py: a goal's score is the sum its docstring states, and a batch reads each request as alone."""

import re

import torch
from torch.nn.functional import logsigmoid

from saycan.pay.goals import KINDS, pair, singles
from saycan.pay.model import GoalScorer, Parse, TokenStates, score_goals


def random_parse(n_objects: int, n_places: int, n_tokens: int = 5) -> Parse:
    torch.manual_seed(0)
    return Parse(
        kind=torch.randn(len(KINDS)),
        object_kinds=torch.randn(n_objects, len(KINDS)),
        count=torch.randn(2).log_softmax(-1),
        objects=torch.randn(n_objects),
        object_focus=torch.rand(n_objects, n_tokens).softmax(-1),
        places=torch.randn(n_places),
        apart=torch.rand(n_objects, n_places),
        overlap=torch.tensor(0.7),
        distance=torch.tensor(1.3),
        where=torch.rand(n_objects),
        contrast=torch.rand(n_objects, n_objects),
    )


def test_each_goal_scores_its_parts_its_count_and_the_pair_penalties(kitchen):
    objects, places = list(kitchen.objects), ["table", "sink"]
    ones = {re.sub(r" \(.*?\)", "", c.text): c for c in singles(kitchen)}  # without the attributes
    on_table, go_sink = ones["put the apple on the table"], ones["go to the sink"]
    bring_coke = ones["bring the coke can to the user"]
    goals = [on_table, go_sink, pair(on_table, bring_coke), pair(bring_coke, go_sink)]
    p = random_parse(len(objects), len(places))
    apple, coke = objects.index("apple"), objects.index("coke can")
    put, bring, go = KINDS.index("place"), KINDS.index("bring"), KINDS.index("go")

    def part(o: int, k: int) -> torch.Tensor:
        return logsigmoid(p.object_kinds[o, k]) + logsigmoid(p.objects[o])

    table = part(apple, put) + logsigmoid(p.places[0]) - p.distance * p.apart[apple, 0]
    sink = logsigmoid(p.kind[go]) + logsigmoid(p.places[1])
    overlap = p.overlap * (p.object_focus[apple] * p.object_focus[coke]).sum()
    # the object whose words come second pays for fitting the first one's words
    first, second = (apple, coke) if p.where[apple] <= p.where[coke] else (coke, apple)
    overlap = overlap + p.contrast[first, second]
    expected = torch.stack([
        p.count[0] + table,
        p.count[0] + sink,
        p.count[1] + table + part(coke, bring) - overlap,
        p.count[1] + part(coke, bring) + sink,  # one object named: no overlap penalty
    ])  # fmt: skip
    assert torch.allclose(score_goals(p, goals, objects, places, KINDS), expected, atol=1e-5)


def test_a_batch_reads_each_request_as_it_reads_it_alone(kitchen):
    states = TokenStates()
    requests = states(
        ["bring me a drink that isn't soda", "toss the apple", "put the orange and the apple in the sink"]
    )
    objects = states([f"the {o}" for o in kitchen.objects])
    places = states(["the table", "the sink"])
    torch.manual_seed(0)
    model = GoalScorer(width=32, heads=2).eval()
    with torch.no_grad():
        batch = model(requests, [objects] * 3, [places] * 3)
        alone = [model([request], [objects], [places])[0] for request in requests]
    for request, together, by_itself in zip(requests, batch, alone, strict=True):
        assert torch.allclose(together.objects, by_itself.objects, atol=1e-5)
        assert torch.allclose(together.kind, by_itself.kind, atol=1e-5)
        assert together.object_focus.shape == (len(objects), len(request))


def test_contrast_scores_each_object_against_the_words_another_read(kitchen):
    states = TokenStates()
    request = states(["bring me a fruit and a snack"])
    objects = states([f"the {o}" for o in kitchen.objects])
    torch.manual_seed(0)
    model = GoalScorer(width=32, heads=2, contrast=True).eval()
    with torch.no_grad():
        parse = model(request, [objects], [states(["the table"])])[0]
    weight = torch.nn.functional.softplus(model.contrasting)
    # an object against its own words is its own reference logit: the same head reads both
    assert torch.allclose(parse.contrast.diagonal(), weight * torch.sigmoid(parse.objects), atol=1e-5)
    assert parse.contrast.shape == (len(objects), len(objects)) and model.config["contrast"] is True
    plain = GoalScorer(width=32, heads=2)  # checkpoints from before contrast build this way
    assert "contrast" not in plain.config and not any("contrasting" in k for k in plain.state_dict())
