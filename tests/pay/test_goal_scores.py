"""saycan/pay/goal_scores.py: a goal's score is the sum its docstring states, whichever way its rows are built."""

import re

import torch
from torch.nn.functional import logsigmoid

from saycan.pay.goal_scores import GoalIndex, SceneGoals, score_goals
from saycan.pay.goals import KINDS, USER, describe, pair, singles
from saycan.pay.model import Parse


def random_parse(n_objects: int, n_places: int, n_tokens: int = 5) -> Parse:
    torch.manual_seed(0)
    return Parse(
        kind=torch.randn(len(KINDS)),
        object_kinds=torch.randn(n_objects, len(KINDS)),
        count=torch.randn(3).log_softmax(-1),
        objects=torch.randn(n_objects),
        object_focus=torch.rand(n_objects, n_tokens).softmax(-1),
        places=torch.randn(n_places),
        apart=torch.rand(n_objects, n_places),
        overlap=torch.tensor(0.7),
        distance=torch.tensor(1.3),
        where=torch.rand(n_objects),
        contrast=torch.rand(n_objects, n_objects),
        alike=torch.tensor(0.0),
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
    assert torch.allclose(score_goals(p, GoalIndex.of(goals, objects, places)), expected, atol=1e-5)


def test_joined_rows_score_a_pair_as_the_pair_s_own_rows_do(kitchen):
    scene = SceneGoals.of(kitchen)
    ones, p = scene.goals, random_parse(len(scene.objects), len(scene.places))
    joined = [(i, j) for i in range(0, len(ones), 7) for j in range(3, len(ones), 11) if i != j]
    built = GoalIndex.of([pair(ones[i], ones[j]) for i, j in joined], scene.objects, scene.places)
    assert torch.equal(score_goals(p, scene.index.join(joined)), score_goals(p, built))


def test_a_scene_s_goals_and_descriptions_follow_its_objects_and_places(kitchen):
    scene = SceneGoals.of(kitchen)
    assert scene.objects == list(kitchen.objects) and USER not in scene.places
    assert len(scene.descriptions) == len(scene.objects) + len(scene.places)
    assert scene.descriptions[0] == describe(kitchen, scene.objects[0], place=True)  # "... on the far counter"
    assert scene.descriptions[0].endswith(f"on the {kitchen.objects[scene.objects[0]]}")
    assert scene.descriptions[-1] == f"the {scene.places[-1]}"
    assert len(scene.index.kind) == len(scene.goals) == len(singles(kitchen))


def test_a_three_part_goal_scores_its_parts_its_count_and_every_pair_s_penalty(kitchen):
    scene = SceneGoals.of(kitchen)
    ones, p = scene.goals, random_parse(len(scene.objects), len(scene.places))
    bring = {c.parts[0].object: i for i, c in enumerate(ones) if c.parts[0].kind == "bring"}
    trio = [bring["apple"], bring["orange"], bring["coke can"]]
    (score,) = score_goals(p, scene.index.join([trio]))
    singles_ = score_goals(p, scene.index)[trio] - p.count[0]  # each part alone, without its count
    objects = [scene.objects.index(o) for o in ("apple", "orange", "coke can")]
    penalty = 0.0
    for a, b in ((0, 1), (0, 2), (1, 2)):
        x, y = objects[a], objects[b]
        first, second = (x, y) if p.where[x] <= p.where[y] else (y, x)
        penalty = penalty + p.overlap * (p.object_focus[x] * p.object_focus[y]).sum() + p.contrast[first, second]
    assert torch.allclose(score, p.count[2] + singles_.sum() - penalty, atol=1e-5)
    built = GoalIndex.of([pair(*(ones[i] for i in trio))], scene.objects, scene.places)
    assert torch.equal(score_goals(p, built), score[None])
