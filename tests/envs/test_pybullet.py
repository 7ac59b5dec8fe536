import numpy as np
import pytest

import skills
from saycan.envs.pybullet import KitchenEnv
from saycan.errors import ConfigError
from saycan.skill import Option


@pytest.fixture
def env(kitchen):
    env = KitchenEnv(kitchen, seed=0)
    yield env
    env.close()


def test_reset_observes_head_and_wrist_images(env):
    obs, _ = env.reset(seed=3)
    assert obs["head"].shape == (224, 224, 3) and obs["head"].dtype == np.uint8
    assert obs["wrist"].shape == (224, 224, 3) and obs["head"].std() > 5  # an image, not a blank
    assert env.observation_space.contains(obs)


def test_step_moves_the_gripper_by_the_end_effector_delta(env):
    env.reset(seed=0)
    before = env.sim.robot.ee_pose()[0]
    env.step(np.array([0, 0, 0.03, 0, 0, 0, 1.0]))
    moved = env.sim.robot.ee_pose()[0] - before
    assert moved[2] == pytest.approx(0.03, abs=0.01) and abs(moved[0]) < 0.01


def test_non_finite_action_holds_the_arm_still(env):
    env.reset(seed=0)
    before = env.sim.robot.ee_pose()[0]
    _, _, _, _, info = env.step(np.array([np.nan, 0, 0, 0, 0, 0, 1.0]))
    assert "non-finite" in info["error"]
    assert np.linalg.norm(env.sim.robot.ee_pose()[0] - before) < 0.005


def test_actions_are_clipped_to_the_speed_limit(env):
    env.reset(seed=0)
    before = env.sim.robot.ee_pose()[0]
    env.step(np.array([0, 0, 5.0, 0, 0, 0, 1.0]))  # 5 m in one step: clipped to 5 cm
    assert env.sim.robot.ee_pose()[0][2] - before[2] < 0.06
    with pytest.raises(ConfigError, match="7 numbers"):
        env.step(np.zeros(6))


def test_render_is_the_fixed_kitchen_camera(env):
    frame = env.render()
    assert frame.shape == (360, 480, 3) and frame.std() > 5


def test_execute_maps_the_sim_back_to_the_scene_graph(env):
    option = Option("pick up the apple", "pick_up", (("object", "apple"),))
    result = env.execute(skills.make("pick_up"), option)
    assert result.success and result.info["sim_steps"] > 0 and result.info["sim_s"] > 0
    assert env.world.holding == "apple" and env.world.robot_at == "near counter"


def test_forced_failure_fails_the_next_attempt_only(kitchen):
    env = KitchenEnv(kitchen, force_failures={"pick up the apple": 1})
    try:
        option = Option("pick up the apple", "pick_up", (("object", "apple"),))
        first = env.execute(skills.make("pick_up"), option)
        assert not first.success and env.world.holding is None
        assert env.execute(skills.make("pick_up"), option).success
    finally:
        env.close()


def test_skill_without_sim_routine_fails_clearly(env):
    from saycan.skill import FunctionSkill

    wave = FunctionSkill("wave_sim_test", "wave at the {location}", value_fn=lambda world, location: 1.0)
    result = env.execute(wave, Option("wave at the table", "wave_sim_test", (("location", "table"),)))
    assert not result.success and "no simulator routine" in result.message


def test_step_deltas_are_in_the_base_frame(kitchen):
    # Docked at the table the base faces +y: "ahead" (+x in the base frame) is +y in the world.
    env = KitchenEnv(kitchen.with_init({"robot_at": "table"}))
    try:
        before = env.sim.robot.ee_pose()[0]
        env.step(np.array([0.03, 0, 0, 0, 0, 0, 1.0]))
        moved = env.sim.robot.ee_pose()[0] - before
        assert moved[1] == pytest.approx(0.03, abs=0.01) and abs(moved[0]) < 0.01
    finally:
        env.close()


def test_closing_on_an_object_grasps_it_and_opening_releases_it(env):
    from saycan.vla.expert import PickExpert

    expert = PickExpert("apple")
    for _ in range(40):
        action = expert(env)
        env.step(action)
        if action[6] < 0:
            break
    assert env.sim.held_name() == "apple"  # closed with a finger on it: attached
    env.step(np.array([0, 0, 0.05, 0, 0, 0, -1.0]))
    env.step(np.array([0, 0, 0, 0, 0, 0, 1.0]))
    assert env.sim.held_name() is None


def test_a_thing_held_from_the_start_is_in_closed_fingers_and_opening_lets_go(kitchen):
    env = KitchenEnv(kitchen.with_init({"robot_at": "table", "holding": "apple"}))
    try:
        assert env.sim.held_name() == "apple" and not env.sim.robot.gripper_open  # as a pick leaves the hand
        env.step(np.array([0, 0, 0, 0, 0, 0, 1.0]))
        assert env.sim.held_name() is None
    finally:
        env.close()


def test_closing_on_nothing_grasps_nothing(env):
    env.step(np.array([0, 0, 0, 0, 0, 0, -1.0]))  # in the air
    assert env.sim.held_name() is None and not env.sim.robot.gripper_open


def _drop_beside(env, obj: str, ahead: float, left: float) -> None:
    """Take ``obj`` and let it go with the hand held out over the floor (base frame, metres), arm tucked after."""
    from saycan.sim import primitives

    sim = env.sim
    assert primitives.find(sim, obj).success and primitives.pick(sim, obj).success
    robot = sim.robot
    robot.move_ee(robot.arm_base() + robot.to_world(np.array([ahead, left, -0.2])), robot.ee_pose()[1])
    robot.detach()
    robot.gripper(True, ticks=10)
    robot.tuck()
    sim.step(240)


def test_an_object_that_fell_is_on_the_floor_in_the_world_and_is_picked_up_again_from_there(env):
    _drop_beside(env, "coke can", 0.3, 0.4)
    env.sync()  # was: the can kept its last place, the far counter
    assert env.world.location_of("coke can") == "floor" and env.world.reach_from("coke can") == "far counter"
    result = env.execute(skills.make("pick_up"), Option("pick up the coke can", "pick_up", (("object", "coke can"),)))
    assert result.success, result.message
    assert env.world.holding == "coke can" and env.world.on_floor == ()


def test_an_object_that_fell_out_of_reach_cannot_be_found(env):
    _drop_beside(env, "energy bar", 0.4, 0.3)
    env.sync()
    assert env.world.location_of("energy bar") == "floor" and env.world.reach_from("energy bar") is None
    result = env.execute(skills.make("find"), Option("find the energy bar", "find", (("object", "energy bar"),)))
    assert not result.success and "out of reach from every place" in result.message


def test_sim_shuffle_slots_from_config_lays_the_things_out_anew_and_a_string_is_refused(kitchen):
    from saycan import factory
    from saycan.api import compose

    def spots(overrides):
        env = factory.env_from(compose("config", ["instruction=x", "env=pybullet", *overrides]).env, kitchen)
        try:
            return {o: tuple(np.round(env.sim.position(o)[:2], 2)) for o in env.sim.objects}, env.world.snapshot()
        finally:
            env.close()

    (nearest, world), (shuffled, shuffled_world) = spots([]), spots(["sim.shuffle_slots=true"])
    assert shuffled != nearest and shuffled_world == world  # other spots on the same surfaces
    with pytest.raises(ConfigError, match="sim.shuffle_slots='yes': must be true or false"):
        spots(["sim.shuffle_slots=yes"])
