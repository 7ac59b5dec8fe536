import numpy as np
import pytest

import skills
from saycan import executors
from saycan.envs.pybullet import KitchenEnv
from saycan.envs.symbolic import SymbolicEnv
from saycan.errors import ConfigError
from saycan.executors.policy_executor import PolicyExecutor, to_sim_action
from saycan.policies.base import PolicyError
from saycan.skill import Option
from saycan.vla.expert import PickExpert, PlaceExpert

PICK_APPLE = Option("pick up the apple", "pick_up", (("object", "apple"),))


@pytest.fixture
def env(kitchen):
    env = KitchenEnv(kitchen, seed=0)
    yield env
    env.close()


class ExpertPolicy:
    """Cheats (reads the sim's state), so the loop is tested apart from any learned model."""

    unnorm_keys = ()

    def __init__(self, env, action_map=lambda a: a):
        self.env, self.action_map, self.images = env, action_map, []

    def predict_action(self, image, instruction, unnorm_key=None):
        self.images.append(image.shape)
        return self.action_map(PickExpert(instruction.removeprefix("pick up the "))(self.env))


class FixedPolicy:
    unnorm_keys = ()

    def __init__(self, action):
        self.action = action

    def predict_action(self, image, instruction, unnorm_key=None):
        return np.asarray(self.action)


def test_policy_executor_runs_a_pick_closed_loop_until_the_detector_fires(env):
    policy = ExpertPolicy(env)
    result = PolicyExecutor(env, policy, max_steps=40).execute(skills.make("pick_up"), PICK_APPLE)
    assert result.success, result.message
    assert env.world.holding == "apple"
    assert set(policy.images) == {(224, 224, 3)} and result.info["policy_steps"] == len(policy.images) < 40
    assert result.info["control_hz"] > 1


class PlaceExpertPolicy:
    """The scripted put-down's actions, served as a policy's (reads the sim's state)."""

    unnorm_keys = ()

    def __init__(self, env):
        self.env = env

    def predict_action(self, image, instruction, unnorm_key=None):
        return PlaceExpert(instruction.removeprefix("put down the "))(self.env)


def test_a_put_down_leaves_the_thing_standing_where_it_was_released(kitchen):
    # The detector fires with the open fingers around the can at the user's place, 12 cm from the front
    # edge: tucking straight from there drags the can off onto the floor.
    init = {"objects": dict(kitchen.objects), "holding": "coke can", "robot_at": "you"}
    env = KitchenEnv(kitchen.with_init(init), seed=0)
    try:
        option = Option("put down the coke can", "put_down", (("object", "coke can"),))
        result = PolicyExecutor(env, PlaceExpertPolicy(env)).execute(skills.make("put_down"), option)
        assert result.success, result.message
        assert env.sim.station_of("coke can") == "you" and env.world.location_of("coke can") == "you"
    finally:
        env.close()


def test_gripper_convention_of_a_zero_one_checkpoint_is_applied(env):
    # The same expert, speaking OpenVLA's gripper (0 closed, 1 open): the loop maps it back.
    policy = ExpertPolicy(env, lambda a: np.r_[a[:6], (a[6] + 1) / 2])
    result = PolicyExecutor(env, policy, gripper_range=(0, 1)).execute(skills.make("pick_up"), PICK_APPLE)
    assert result.success


def test_inverted_gripper_never_closes_so_the_pick_fails(env):
    result = PolicyExecutor(env, ExpertPolicy(env), invert_gripper=True, max_steps=25).execute(
        skills.make("pick_up"), PICK_APPLE
    )
    assert not result.success and "max_steps=25" in result.message and env.world.holding is None


@pytest.mark.parametrize(
    ("action", "why"),
    [([0.0] * 6, "6 numbers"), ([np.nan, 0, 0, 0, 0, 0, 1], "non-finite"), ([np.inf] * 7, "non-finite")],
)
def test_unusable_action_fails_the_skill_and_the_arm_holds_still(env, action, why):
    before = env.sim.robot.ee_pose()[0]
    result = PolicyExecutor(env, FixedPolicy(action)).execute(skills.make("pick_up"), PICK_APPLE)
    assert not result.success and why in result.message and result.info["policy_queries"] == 1
    assert result.info["policy_steps"] == 0  # nothing executed
    assert np.linalg.norm(env.sim.robot.ee_pose()[0] - before) < 1e-3


def test_an_action_far_outside_the_workspace_is_clipped_to_the_speed_limit(env):
    before = env.sim.robot.ee_pose()[0]
    PolicyExecutor(env, FixedPolicy([0, 0, 100.0, 0, 0, 0, 1]), max_steps=1).execute(skills.make("pick_up"), PICK_APPLE)
    assert env.sim.robot.ee_pose()[0][2] - before[2] < 0.06


class WildPolicy:
    """Huge, random actions: what a broken or hostile policy server might send."""

    unnorm_keys = ()

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def predict_action(self, image, instruction, unnorm_key=None):
        return self.rng.uniform(-1e6, 1e6, 7) * self.rng.choice([1e-6, 1.0], 7)


@pytest.mark.parametrize("seed", [0, 1])
def test_wild_actions_never_throw_anything_out_of_the_room(env, seed):
    PolicyExecutor(env, WildPolicy(seed), max_steps=40).execute(skills.make("pick_up"), PICK_APPLE)
    for name in env.world.objects:
        x, y, z = env.sim.position(name)
        assert abs(x) < 3.5 and abs(y) < 3.5 and -0.05 < z < 2.0, (name, x, y, z)  # the 7 x 7 m room
    assert np.all(np.isfinite(env.sim.robot.ee_pose()[0]))


def test_skills_the_policy_does_not_run_keep_the_scripted_routine(env):
    policy = FixedPolicy([np.nan] * 7)  # would fail anything it ran
    result = PolicyExecutor(env, policy).execute(
        skills.make("go_to"), Option("go to the table", "go_to", (("location", "table"),))
    )
    assert result.success and env.world.robot_at == "table"


def test_to_sim_action_maps_gripper_ranges():
    assert to_sim_action([0] * 6 + [0.9], (0, 1), False)[6] == 1.0
    assert to_sim_action([0] * 6 + [0.1], (0, 1), False)[6] == -1.0
    assert to_sim_action([0] * 6 + [0.9], (0, 1), True)[6] == -1.0
    with pytest.raises(PolicyError, match="7"):
        to_sim_action(np.zeros((2, 7)), (-1, 1), False)


@pytest.mark.parametrize(("chunk_steps", "queries"), [(2, 5), (None, 3)])
def test_a_chunk_runs_chunk_steps_actions_before_the_next_query(env, chunk_steps, queries):
    hold = FixedPolicy([[0, 0, 0, 0, 0, 0, 1]] * 4)  # (4, 7): the arm stays put, gripper open
    result = PolicyExecutor(env, hold, max_steps=10, chunk_steps=chunk_steps).execute(
        skills.make("pick_up"), PICK_APPLE
    )
    assert not result.success and result.info["policy_steps"] == 10 and result.info["policy_queries"] == queries


def test_a_chunk_with_one_bad_row_is_refused_whole_and_the_arm_holds_still(env):
    before = env.sim.robot.ee_pose()[0]
    chunk = [[0.05, 0, 0, 0, 0, 0, 1]] * 3 + [[np.nan] * 7]
    result = PolicyExecutor(env, FixedPolicy(chunk)).execute(skills.make("pick_up"), PICK_APPLE)
    assert not result.success and "non-finite" in result.message and result.info["policy_steps"] == 0
    assert np.linalg.norm(env.sim.robot.ee_pose()[0] - before) < 1e-3


def test_a_retry_of_a_failed_skill_steps_aside_one_way_then_the_other_and_stays_at_the_place(env):
    executor = PolicyExecutor(env, FixedPolicy([0, 0, 0, 0, 0, 0, 1]), max_steps=3, retry_shift=0.04)
    station = env.sim.stations["near counter"]  # its dock is on the surface's centre line (across 0)
    shifts = []
    for option in (
        PICK_APPLE,
        PICK_APPLE,
        PICK_APPLE,
        Option("pick up the orange", "pick_up", (("object", "orange"),)),
    ):
        result = executor.execute(skills.make("pick_up"), option)
        assert not result.success and env.sim.robot_station() == "near counter"
        shifts.append((result.info["base_shift"], station.to_surface(*env.sim.robot.pose[:2])[1]))
    # the first try from where the robot is; each retry re-docked 4 cm to one side, then the other
    assert [s for s, _ in shifts] == [0.0, 0.04, -0.04, 0.0]
    assert [round(at, 2) for _, at in shifts[:3]] == [0.0, 0.04, -0.04]
    assert round(shifts[3][1], 2) == -0.04  # another skill: no step, from where the last retry left the base


class PoseRecorder(FixedPolicy):
    """Holds still with the hand open, recording where the base stands at each query."""

    def __init__(self, env):
        super().__init__([0, 0, 0, 0, 0, 0, 1])
        self.env, self.poses = env, []

    def predict_action(self, image, instruction, unnorm_key=None):
        self.poses.append(self.env.sim.robot.pose)
        return super().predict_action(image, instruction, unnorm_key)


def test_a_retried_pick_up_faces_its_thing_then_either_side_of_it_and_drives_back_to_the_dock(env):
    policy = PoseRecorder(env)
    executor = PolicyExecutor(env, policy, max_steps=1, retry_shift=0.04, retry_face=True)
    station = env.sim.stations["near counter"]
    pick_orange = Option("pick up the orange", "pick_up", (("object", "orange"),))  # 14 cm right of the dock
    tried_from, shifts, sim_seconds = [], [], []
    for _ in range(5):
        result = executor.execute(skills.make("pick_up"), pick_orange)
        assert not result.success and env.sim.robot.pose == pytest.approx(station.dock, abs=1e-9)
        tried_from.append(round(station.to_surface(*policy.poses[-1][:2])[1], 3))
        shifts.append(round(result.info["base_shift"], 3))
        sim_seconds.append(result.info["sim_s"])
    assert shifts == tried_from == [0.0, -0.14, -0.1, -0.18, -0.14]
    # A retry's sim time counts both drives, to the side and back (each about 1.2 s: out 35 cm, across, in).
    assert sim_seconds[0] < 0.5 and min(sim_seconds[1:]) > 2.0


def test_executor_config_errors_name_the_key(env, kitchen):
    with pytest.raises(ConfigError, match="env=pybullet"):
        PolicyExecutor(SymbolicEnv(kitchen), FixedPolicy([0] * 7))
    with pytest.raises(ConfigError, match=r"executor.skills.*go_to"):
        PolicyExecutor(env, FixedPolicy([0] * 7), skills=["go_to"])
    with pytest.raises(ConfigError, match="executor.gripper_range"):
        PolicyExecutor(env, FixedPolicy([0] * 7), gripper_range=(1, 1))
    with pytest.raises(ConfigError, match="executor.chunk_steps"):
        PolicyExecutor(env, FixedPolicy([0] * 7), chunk_steps=0)
    with pytest.raises(ConfigError, match=r"executor.retry_shift=0.05: must be at least 0 and under 0.05 m"):
        PolicyExecutor(env, FixedPolicy([0] * 7), retry_shift=0.05)
    with pytest.raises(ConfigError, match="executor.retry_face must be true or false, got 'yes'"):
        PolicyExecutor(env, FixedPolicy([0] * 7), retry_face="yes")
    with pytest.raises(ConfigError, match="valid: 'openpi', 'openvla', 'openvla_server', 'scripted', 'tiny_vla'"):
        executors.make("openvla_sever", env)


def test_scripted_executor_is_the_env_itself(env):
    assert executors.make("scripted", env) is env
