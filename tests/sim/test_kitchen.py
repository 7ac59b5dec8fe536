"""saycan/sim/kitchen.py: the scene built in PyBullet, where things rest, the hand, the spill wiped."""

import math

import numpy as np
import pybullet
import pytest

from saycan.errors import ConfigError
from saycan.sim.layout import object_model
from saycan.sim.primitives import pick
from saycan.sim.primitives import place as put_down


def test_every_object_rests_on_its_start_location_and_the_robot_at_its_dock(make_sim, kitchen):
    sim = make_sim()
    assert {name: sim.station_of(name) for name in kitchen.objects} == dict(kitchen.objects)
    assert sim.robot_station() == kitchen.robot_at and sim.held_name() is None
    assert all(sim.speed(body) < 0.01 for body in sim.objects.values())  # settled, not falling


def test_a_robot_that_starts_holding_something_holds_it_in_the_gripper(make_sim):
    sim = make_sim({"robot_at": "table", "holding": "apple"})
    assert sim.held_name() == "apple" and sim.station_of("apple") is None
    assert np.linalg.norm(sim.position("apple") - sim.robot.ee_pose()[0]) < 0.1


def in_hand(sim, name):
    """(position (3,), yaw) of ``name`` in the hand's frame."""
    hand_pos, hand_orn = sim.robot.ee_pose()
    inv_pos, inv_orn = pybullet.invertTransform(hand_pos, hand_orn)
    obj_pos, obj_orn = pybullet.getBasePositionAndOrientation(sim.objects[name], physicsClientId=sim.client)
    pos, orn = pybullet.multiplyTransforms(inv_pos, inv_orn, obj_pos, obj_orn)
    return np.array(pos), pybullet.getEulerFromQuaternion(orn)[2]


def test_a_thing_held_from_the_start_sits_in_the_hand_as_a_pick_and_tuck_leave_it(make_sim):
    picked = make_sim({"robot_at": "near counter"})  # the jalapeno chips stand on the near counter
    assert pick(picked, "jalapeno chips").success
    held = make_sim({"robot_at": "near counter", "holding": "jalapeno chips"})
    (pos_a, yaw_a), (pos_b, yaw_b) = in_hand(picked, "jalapeno chips"), in_hand(held, "jalapeno chips")
    assert np.linalg.norm(pos_a - pos_b) < 0.01, (pos_a, pos_b)
    assert abs(math.remainder(yaw_a - yaw_b, math.pi)) < 0.1, (yaw_a, yaw_b)  # a box is the same turned half round
    assert abs(held.grasp_offsets["jalapeno chips"] - picked.grasp_offsets["jalapeno chips"]) < 0.01


@pytest.mark.parametrize("place", ["you", "table", "near counter"])
def test_a_bag_held_from_the_start_stands_where_it_is_put_down_at_every_dock_heading(make_sim, place):
    sim = make_sim({"robot_at": place, "holding": "jalapeno chips"})
    start = sim.position("jalapeno chips")
    assert put_down(sim, "jalapeno chips").success  # was: wedged in the open hand at the sideways docks
    resting, half_height = sim.position("jalapeno chips"), object_model("jalapeno chips").height / 2
    assert sim.station_of("jalapeno chips") == place and resting[2] < start[2] - 0.1
    assert abs(resting[2] - (sim.stations[place].height + half_height)) < 0.01  # standing, not hanging
    assert sim.speed(sim.objects["jalapeno chips"]) < 0.01


def test_an_object_off_every_surface_is_on_no_station(make_sim):
    sim = make_sim()
    import pybullet as p

    p.resetBasePositionAndOrientation(sim.objects["apple"], (0.0, 0.0, 0.05), (0, 0, 0, 1), physicsClientId=sim.client)
    sim.settle(sim.objects["apple"])
    assert sim.station_of("apple") is None  # on the floor


def test_wiping_over_the_spill_cleans_it_and_removes_the_decal(make_sim):
    sim = make_sim()
    spill = sim.spills["spill"]
    sim.wipe_at(spill.points.mean(axis=0), height_ok=False)
    assert spill.coverage == 0.0  # the sponge was not low enough to touch it
    for point in spill.points:
        sim.wipe_at(point, height_ok=True)
    assert spill.coverage >= 0.9 and spill.body is None  # clean enough: the decal is gone


def test_more_objects_than_a_surface_holds_name_the_location(make_sim, kitchen):
    crowded = {f"extra {i}": "table" for i in range(12)}
    scene = kitchen.extend([], crowded, {name: ["thing"] for name in crowded})
    with pytest.raises(ConfigError, match="too many objects at 'table'"):
        make_sim(scene=scene)


def test_shuffled_slots_put_things_in_other_free_slots_of_the_same_surface_by_seed(make_sim, kitchen):
    def spots(sim):
        return {name: tuple(np.round(sim.position(name)[:2], 3)) for name in kitchen.objects}

    nearest = spots(make_sim())
    shuffled = [make_sim(seed=seed, shuffle_slots=True) for seed in (0, 0, 1)]
    for sim in shuffled:  # still on their own surfaces, settled, one to a slot
        assert {name: sim.station_of(name) for name in kitchen.objects} == dict(kitchen.objects)
        assert len(set(spots(sim).values())) == len(kitchen.objects)
    assert spots(shuffled[0]) == spots(shuffled[1])  # the seed decides
    assert spots(shuffled[0]) != nearest and spots(shuffled[2]) != spots(shuffled[0])


def test_bad_grasp_noise_is_refused(make_sim):
    with pytest.raises(ConfigError, match=r"sim.noise must be a probability in \[0, 1\]"):
        make_sim(noise=1.5)


def test_the_overview_camera_sees_the_kitchen(make_sim):
    frame = make_sim().overview(width=80, height=60)
    assert frame.shape == (60, 80, 3) and frame.std() > 0
