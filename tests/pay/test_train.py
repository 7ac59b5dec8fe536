"""saycan/pay/train.py, model.py, checkpoint.py: the goal parse learns from generated tasks and round-trips."""

import pytest
import torch

from saycan.pay import checkpoint
from saycan.pay.data import goal_example
from saycan.pay.ensemble import Ensemble
from saycan.pay.model import GoalScorer, TokenStates
from saycan.pay.train import batch_loss, fit, infer_goals
from saycan.skill import make_library
from saycan.tasks.families import generate
from saycan.tasks.generator import TaskGenerator
from saycan.world.suite import Task

SKILLS = {s.id: s for s in make_library(library="skills")}


@pytest.fixture(scope="module")
def tasks(kitchen):
    rows = generate(TaskGenerator(kitchen, SKILLS, seed=3), 60)
    from saycan.world.predicates import parse_goal

    return [Task(r["id"], r["family"], r["instruction"], kitchen.with_init(r.get("init")),
                 parse_goal(r["success"], kitchen.with_init(r.get("init"))), r.get("init") or {},
                 (), tuple(r["plan"]), r["template"]) for r in rows]  # fmt: skip


@pytest.fixture(scope="module")
def states():
    return TokenStates()


def test_an_example_says_what_the_right_goals_name(tasks):
    examples = [goal_example(t) for t in tasks]
    assert all(e is not None and e.right and e.kinds and e.count in (1, 2) for e in examples)
    two = next(e for e in examples if e.count == 2)
    assert all(len(goal) == 2 for goal in two.right)


def test_training_lowers_the_loss_and_inference_ranks_goals(tasks, states, kitchen):
    examples = [goal_example(t) for t in tasks]
    torch.manual_seed(0)
    model = GoalScorer(width=32, heads=2)
    before = float(batch_loss(model, states, examples).detach())
    fit(model, examples, states, epochs=6, lr=5e-3)
    after = float(batch_loss(model, states, examples).detach())
    assert after < 0.6 * before
    goals = infer_goals(Ensemble([model]), states, tasks[0].instruction, tasks[0].scene, max_goals=4)
    assert len(goals) == 4 and [s for _, s in goals] == sorted((s for _, s in goals), reverse=True)
    assert len({g.predicates for g, _ in goals}) == 4  # one entry per goal, however many ways it is said


def test_checkpoint_round_trips_and_refuses_tampering(tmp_path, states, tasks):
    model = Ensemble.build(2, width=32, heads=2)
    weights = checkpoint.save(model, tmp_path / "pay", {"calibration": {"rho": 1.0, "beta": 1.0, "eps": 0.05}})
    loaded, meta = checkpoint.load(tmp_path / "pay")
    assert meta["architecture"] == {"width": 32, "heads": 2, "dropout": 0.1, "members": 2}
    assert meta["calibration"]["eps"] == 0.05
    assert infer_goals(loaded, states, "toss the apple", tasks[0].scene)[0][1] == pytest.approx(
        infer_goals(model, states, "toss the apple", tasks[0].scene)[0][1], abs=1e-5
    )
    weights.write_bytes(weights.read_bytes()[:-8] + b"\0" * 8)
    from saycan.errors import ConfigError

    with pytest.raises(ConfigError, match="sha256.*saycan.train_pay"):
        checkpoint.load(tmp_path / "pay")


def test_dropout_varies_the_reading_only_while_training(states, kitchen):
    torch.manual_seed(0)
    model = GoalScorer(width=32, heads=2, dropout=0.5)
    request = states(["bring me a drink that isn't soda"])
    objects = [states([f"the {o}" for o in kitchen.objects])]

    def read():
        return model(request, objects, [objects[0][:2]])[0].objects

    model.train()
    assert not torch.equal(read(), read())
    model.eval()
    assert torch.equal(read(), read())


@pytest.mark.parametrize("dropout", [-0.1, 1.0, True, "0.1"])
def test_a_dropout_outside_0_to_1_is_refused_by_name(dropout):
    from saycan.errors import ConfigError

    with pytest.raises(ConfigError, match=r"dropout=.*must be a number in \[0, 1\)"):
        GoalScorer(dropout=dropout)
