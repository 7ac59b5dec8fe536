import numpy as np

from saycan.affordance.features import N_FEATURES, from_sim, from_world
from saycan.envs.pybullet import KitchenEnv


def test_sim_and_graph_give_the_same_tokens_where_they_can(kitchen):
    env = KitchenEnv(kitchen.with_init({"holding": "apple"}))
    try:
        sim, graph = from_sim(env), from_world(env.world)
    finally:
        env.close()
    assert sim.names == graph.names and sim.features.shape == (len(sim.names), N_FEATURES)
    # kind, held/at/clean and "here" agree exactly; distances are exact only in the sim
    assert np.array_equal(sim.features[:, :5], graph.features[:, :5])
    # "resting on a surface or held" agrees for every object, the held apple included
    objects = graph.features[:, 0] == 1
    assert np.array_equal(sim.features[objects, 7], graph.features[objects, 7])
    assert np.array_equal(sim.globals, graph.globals)
