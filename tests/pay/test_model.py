"""saycan/pay/model.py: a batch reads each request as alone, and contrast reads objects against others' words."""

import torch

from saycan.pay.model import GoalScorer, TokenStates


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
