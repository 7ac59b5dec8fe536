"""The learned value function on fresh sim states it was not trained on."""

import numpy as np
import pytest

import skills
from saycan.affordance import make
from saycan.sim.env import KitchenEnv
from saycan.value.collect import random_init
from saycan.value.metrics import auroc


@pytest.fixture(scope="module")
def learned():
    return make("learned")


def test_ranks_feasible_skills_above_infeasible_on_fresh_sim_states(kitchen, learned):
    library = {s.id: s for s in skills.make_library()}
    rng = np.random.default_rng(2024)  # start states the training rollouts never used
    labels, values = [], []
    for _ in range(4):
        env = KitchenEnv(kitchen.with_init(random_init(kitchen, rng)))
        try:
            options = [o for s in library.values() for o in s.options(env.world) if not s.terminal]
            values += learned(env, library, options)
            labels += [library[o.skill].feasible(env.world, **o.kwargs) for o in options]
        finally:
            env.close()
    assert auroc(np.array(labels), np.array(values)) >= 0.9
    assert np.mean([v for v, ok in zip(values, labels, strict=True) if ok]) > 0.5
    assert np.mean([v for v, ok in zip(values, labels, strict=True) if not ok]) < 0.2


def test_skills_it_was_not_trained_on_keep_their_own_value(kitchen, learned):
    from saycan.envs.symbolic import SymbolicEnv

    env = SymbolicEnv(kitchen)
    done = skills.make("done")
    assert learned(env, {"done": done}, done.options(env.world)) == [1.0]
