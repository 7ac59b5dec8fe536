"""saycan/pay/ensemble.py (+ checkpoint.py): a goal's score is the members' mean; older checkpoints load as one."""

import pytest
import torch

from saycan.errors import ConfigError
from saycan.pay import checkpoint
from saycan.pay.ensemble import Ensemble
from saycan.pay.goal_scores import SceneGoals
from saycan.pay.model import GoalScorer, TokenStates
from saycan.pay.train import candidates, infer_goals, read
from saycan.storage import weights


@pytest.fixture(scope="module")
def states():
    return TokenStates()


def scorer(seed: int) -> GoalScorer:
    torch.manual_seed(seed)
    return GoalScorer(width=32, heads=2).eval()


def test_a_goal_scores_the_mean_of_the_members_scores(states, kitchen):
    request = "throw away the apple and bring me the coke"
    scene = SceneGoals.of(kitchen)
    a, b = (read(s, states, [(request, scene)])[0] for s in (scorer(0), scorer(1)))
    goals, alone_a = candidates([a], scene)
    _, alone_b = candidates([b], scene)
    both_goals, both = candidates([a, b], scene)
    n = len(scene.goals)  # after them, pairs of each reading's own best singles
    assert both_goals[:n] == goals[:n]
    assert torch.allclose(both[:n], (alone_a[:n] + alone_b[:n]) / 2)


def test_a_checkpoint_of_one_scorer_from_before_ensembles_loads_as_an_ensemble_of_one(tmp_path, states, kitchen):
    old = scorer(0)
    weights.save(old, tmp_path / "pay", {"format": 1, "architecture": old.config})
    loaded, _ = checkpoint.load(tmp_path / "pay")
    assert isinstance(loaded, Ensemble) and len(loaded.members) == 1 and not loaded.training
    assert infer_goals(loaded, states, "toss the apple", kitchen) == infer_goals(
        Ensemble([old]), states, "toss the apple", kitchen
    )


def test_an_ensemble_needs_members_of_one_architecture():
    with pytest.raises(ConfigError, match="one or more goal scorers of one architecture"):
        Ensemble([])
    with pytest.raises(ConfigError, match="one architecture"):
        Ensemble([GoalScorer(width=32, heads=2), GoalScorer(width=64, heads=2)])
    with pytest.raises(ConfigError, match=r"members=0: must be a whole number >= 1"):
        Ensemble.build(0)
