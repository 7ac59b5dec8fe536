from saycan.envs.pybullet import KitchenEnv
from saycan.sim import detectors
from saycan.sim.layout import object_model
from saycan.sim.primitives import open_spot
from saycan.vla.expert import RELEASE_HEIGHT, PickExpert, PlaceExpert


def test_place_expert_sets_a_tall_thing_down_within_release_height_of_its_spot(kitchen):
    env = KitchenEnv(kitchen.with_init({"robot_at": "table", "holding": "water bottle"}), seed=0)
    try:
        expert, spot = PlaceExpert("water bottle"), open_spot(env.sim, "water bottle")
        for _ in range(40):
            action = expert(env)
            if action[6] > 0:  # the step it lets go
                break
            env.act(action)
        height = env.sim.robot.ee_pose()[0][2] - spot[2]
        assert action[6] > 0 and height < RELEASE_HEIGHT / 2, height  # slowed to the spot, not dropped from AT
        for _ in range(10):
            env.act(expert(env))
        assert detectors.skill_succeeded(env.sim, "put_down", "table", object="water bottle")
    finally:
        env.close()


def test_an_aimed_off_pick_leaves_the_thing_that_far_off_the_grip_depth(kitchen):
    env = KitchenEnv(kitchen.with_init({"robot_at": "far counter"}), seed=0)
    try:
        expert = PickExpert("coke can", offset=(0.0, 0.0, 0.02), at=0.015)
        for _ in range(40):
            if env.sim.held_name() == "coke can":
                break
            env.act(expert(env))
        model = object_model("coke can")
        off = env.sim.grasp_offsets["coke can"] - (model.height - model.grip_depth)
        assert 0.005 < off < 0.02 + 0.015, off  # held 2 cm high, where a plain pick holds it at 0
    finally:
        env.close()
